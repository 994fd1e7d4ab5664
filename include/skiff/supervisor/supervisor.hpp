// The per-container supervisor (conmon's role): a detached process of the
// same binary that starts the container, holds its stdio, writes its log,
// serves attach clients, records its exit and applies its restart policy.
#pragma once

#include <sys/types.h>

#include <string>

#include "skiff/storage/store.hpp"
#include "skiff/util/result.hpp"

namespace skiff::supervisor {

// Forks a detached supervisor for container `id` and returns once the
// container's command runs (its host PID), or with the reason it did not
// start (exit code 125/126/127 in the error). With attach_fd >= 0 (one end
// of a socketpair) the caller is an attached client from the first byte.
Result<pid_t> start(const storage::Store &store, const std::string &id, const std::string &name,
                    int attach_fd);

// Path of the attach socket of a running container.
std::string attach_socket_path(const storage::Store &store, const std::string &id);

} // namespace skiff::supervisor
