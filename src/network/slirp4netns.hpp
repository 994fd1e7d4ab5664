// Internal to the network module: slirp4netns, started for a container's
// network namespace and kept as our child.
#pragma once

#include <sys/types.h>

#include <string>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::network::detail {

struct SlirpProcess {
  pid_t pid = 0;
  UniqueFd ready;  // read end: slirp4netns writes "1" once configured
  UniqueFd exit;   // write end: closing it makes slirp4netns exit
};

// Starts slirp4netns for the network namespace of `target`; its output
// goes to `log_path`.
Result<SlirpProcess> spawn_slirp4netns(pid_t target, const std::string &log_path);
// Waits for the ready byte; on failure reaps `pid` and explains with the
// last line of its log.
Status wait_slirp4netns(pid_t pid, int ready_fd, const std::string &log_path);

} // namespace skiff::network::detail
