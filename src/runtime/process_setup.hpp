// Internal to the runtime: steps shared by the container's first process
// and by exec'd processes, run in a forked child between fork and execve.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "skiff/runtime/user.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/storage/container_config.hpp"
#include "skiff/sys/mount_ops.hpp"
#include "skiff/util/result.hpp"

namespace skiff::runtime::detail {

std::string env_value(const std::vector<std::string> &env, const std::string &key);
// Resolves `spec` against the /etc/passwd and /etc/group now at "/" (the
// container's, after pivot_root or setns) and adds HOME to `env` from the
// user's entry when it is not set.
Result<ExecUser> container_user(const std::string &spec, const std::vector<std::string> &group_add,
                                std::vector<std::string> &env);
// Finds argv[0] as execvp would, with the container's PATH; errors carry
// Docker's words and exit codes (127 not found, 126 not executable).
Result<std::string> find_executable(const std::string &cmd, const std::vector<std::string> &env);
// Opens a pty in the current /dev/pts, makes its slave the controlling
// terminal and stdio, and sends the master over the `console` socket.
Status setup_tty(int console, uid_t uid);
// The soft limit on open files raised to the hard one (a login's 1024 is
// too low for servers; Podman does the same), then the --ulimit values.
Status apply_rlimits(const std::vector<storage::Ulimit> &ulimits,
                     sys::MountOps &ops = sys::host_mount_ops());
// Seccomp, groups, IDs and capabilities, in the order the kernel allows.
Status drop_privileges(const ExecUser &user, const std::vector<int> &caps,
                       const std::vector<sock_filter> &seccomp, bool no_new_privileges);
// Execs, or reports why not on the channel's error pipe (Docker's words
// and exit codes).
[[noreturn]] void exec_or_fail(const sys::ChildChannel &ch, const std::string &path,
                               const std::vector<std::string> &argv,
                               const std::vector<std::string> &env);

} // namespace skiff::runtime::detail
