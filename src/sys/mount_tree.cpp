#include "skiff/sys/mount_tree.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <string>

#include "skiff/sys/child.hpp"
#include "skiff/sys/fd_passing.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::sys {

Result<UniqueFd> clone_mount_tree(const std::string &path) {
  UniqueFd fd(::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
  if (!fd)
    return sys_error("cloning the mount at {}", path);
  return fd;
}

Result<std::vector<UniqueFd>> in_mount_namespace(int ns_fd,
                                                 const std::function<Result<std::vector<UniqueFd>>()> &fn) {
  auto child = TRY(spawn({.socket = true, .what = "forking to enter a mount namespace"}, [&](const ChildChannel &ch) {
    if (::setns(ns_fd, CLONE_NEWNS) < 0)
      child_fail_errno(ch, "entering the mount namespace of the user namespace's holder");
    auto fds = fn();
    if (!fds)
      child_fail(ch, fds.error());
    for (const auto &fd : *fds)
      if (int e = send_fd(ch.sock, fd.get()); e != 0) {
        errno = e;
        child_fail_errno(ch, "handing back a mount");
      }
    report_value(ch.errors, std::to_string(fds->size()));
  }));
  auto count = child.read_report();
  child.wait();
  if (!count)
    return std::move(count).error();
  std::vector<UniqueFd> out;
  for (long long n = str::to_int(*count).value_or(0); n > 0; n--)
    out.push_back(TRY(child.receive_fd()));
  return out;
}

} // namespace skiff::sys
