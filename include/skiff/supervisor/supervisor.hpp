// The per-container supervisor (conmon's role): a detached process of the
// same binary that carries out the engine's launch plan and then owns the
// process: its stdio, its log, attach clients, signals, its exit and the
// restart policy. It records state only through ContainerRecords.
#pragma once

#include <sys/types.h>

#include <string>

#include "skiff/storage/store.hpp"
#include "skiff/supervisor/launch_plan.hpp"
#include "skiff/supervisor/records.hpp"
#include "skiff/util/result.hpp"

namespace skiff::supervisor {

// Forks a detached supervisor that launches `plan` and returns once the
// container's command runs (its host PID), or with the reason it did not
// start (exit code 125/126/127 in the error). The supervisor keeps its copy
// of `plan` and `records` (fork, no exec). With attach_fd >= 0 (one end of
// a socketpair) the caller is an attached client from the first byte.
Result<pid_t> start(const LaunchPlan &plan, ContainerRecords &records, int attach_fd);

// Records a start that failed (before or while the plan was carried out)
// as Docker does: the exit code (128 for a runtime error) and the reason,
// the status left "created" for a container that never ran.
// `started`: the run a failed restart ends, 0 for a first start.
void record_failed_start(ContainerRecords &records, const Error &why, int64_t started);

// Path of the attach socket of a running container.
std::string attach_socket_path(const storage::Store &store, const std::string &id);

} // namespace skiff::supervisor
