// Running another process in a running container: join its namespaces,
// take on its user, capabilities and seccomp filter, and exec.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "skiff/storage/container_config.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::runtime {

struct ExecSpec {
  pid_t target = 0;                 // the container's init, host PID
  std::vector<std::string> argv, env;
  std::string cwd = "/";
  std::string user;
  std::vector<std::string> group_add;  // the container's --group-add
  std::vector<int> caps;
  std::vector<sock_filter> seccomp;
  bool no_new_privileges = false;
  bool tty = false;
  bool interactive = false;         // stdin stays connected
  bool detach = false;              // do not wait; no stdio
  std::vector<std::string> cgroup_procs;  // cgroup.procs files to join
  std::vector<storage::Ulimit> ulimits;    // the container's --ulimit values
};

struct ExecProcess {
  pid_t pid = -1;     // the helper outside the container; its exit status is the command's
  UniqueFd pty;       // master side with tty
};

// Starts the process; returns once it has exec'd, or with Docker's exit
// code (126/127) in the error. The caller waits with wait_exec.
Result<ExecProcess> start_exec(const ExecSpec &spec);
int wait_exec(pid_t pid);

} // namespace skiff::runtime
