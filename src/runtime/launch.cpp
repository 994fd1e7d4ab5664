#include "skiff/runtime/launch.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "child_channel.hpp"
#include "fuse_root.hpp"
#include "init_child.hpp"
#include "skiff/runtime/idmap.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime {

Status write_keep_id_maps(pid_t pid, uint32_t uid, uint32_t gid) {
  auto users = parse_id_map(TRY(fs::read_file("/proc/self/uid_map")));
  auto groups = parse_id_map(TRY(fs::read_file("/proc/self/gid_map")));
  auto covers = [](const std::vector<IdMapping> &maps, uint32_t id) {
    return std::any_of(maps.begin(), maps.end(),
                       [&](const auto &m) { return id >= m.inside && id - m.inside < m.count; });
  };
  if (!covers(users, uid) || !covers(groups, gid))
    return make_error(Errc::failed,
                      "--userns=keep-id needs your ID {} inside the subordinate range: add a larger "
                      "range to /etc/subuid and /etc/subgid",
                      uid);
  TRY_STATUS(fs::write_file(fmt::format("/proc/{}/uid_map", pid), format_id_map(keep_id_map(uid, users))));
  TRY_STATUS(fs::write_file(fmt::format("/proc/{}/gid_map", pid), format_id_map(keep_id_map(gid, groups))));
  return {};
}

Result<PendingInit> clone_init(const InitSpec &spec, int in, int out, int err) {
  int go[2], errs[2], console[2] = {-1, -1}, fuse[2] = {-1, -1}, tap[2] = {-1, -1};
  if (::pipe2(go, O_CLOEXEC) < 0 || ::pipe2(errs, O_CLOEXEC) < 0)
    return sys_error("creating pipes");
  if (spec.tty && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
    return sys_error("creating the console socket");
  bool fuse_root = spec.driver == storage::DriverKind::fuse_overlayfs;
  if (fuse_root && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fuse) < 0)
    return sys_error("creating the root file system's socket");
  if (spec.tap && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tap) < 0)
    return sys_error("creating the network device's socket");
  // No CLONE_NEWCGROUP here: the child unshares it after release, once the
  // parent has moved it into its cgroup, so that cgroup becomes its root.
  unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
  if (spec.new_netns)
    flags |= CLONE_NEWNET;
  if (spec.keep_id)
    flags |= CLONE_NEWUSER;
  // A fork-like clone (no new stack): the child continues here with a copy
  // of this single-threaded process and never returns from init_child.
  long pid = ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0);
  if (pid < 0)
    return sys_error("creating the container's namespaces");
  if (pid == 0) {
    ::close(go[1]);
    ::close(errs[0]);
    if (console[0] >= 0)
      ::close(console[0]);
    if (fuse[0] >= 0)
      ::close(fuse[0]);
    if (tap[0] >= 0)
      ::close(tap[0]);
    if (!spec.tty) {
      // Lift the fds above 2 first so dup2 never clobbers one we still need.
      int fds[3] = {in, out, err};
      for (int &f : fds)
        f = ::fcntl(f, F_DUPFD_CLOEXEC, 3);
      for (int i = 0; i < 3; i++)
        if (fds[i] < 0 || ::dup2(fds[i], i) < 0)
          ::_exit(125);
    }
    runtime::detail::init_child(spec, {go[0], errs[1], console[1], fuse[1], tap[1]});
  }
  ::close(go[0]);
  ::close(errs[1]);
  if (console[1] >= 0)
    ::close(console[1]);
  if (fuse[1] >= 0)
    ::close(fuse[1]);
  if (tap[1] >= 0)
    ::close(tap[1]);
  PendingInit p;
  p.pid_ = static_cast<pid_t>(pid);
  p.go_.reset(go[1]);
  p.errors_.reset(errs[0]);
  p.console_.reset(console[0]);
  p.fuse_.reset(fuse[0]);
  p.tap_sock_.reset(tap[0]);
  if (fuse_root)
    p.fuse_argv_ = detail::fuse_overlayfs_argv(spec);
  if (spec.keep_id)
    if (auto s = write_keep_id_maps(p.pid_, spec.keep_uid, spec.keep_gid); !s) {
      ::kill(p.pid_, SIGKILL);
      ::waitpid(p.pid_, nullptr, 0);
      return std::move(s).error();
    }
  return p;
}

Status PendingInit::begin() {
  if (!begun_ && ::write(go_.get(), "g", 1) != 1)
    return sys_error("starting the container");
  begun_ = true;
  if (tap_sock_) {
    // The child's first step: its network device, for the helper to serve
    // while the child makes its mounts.
    auto t = detail::receive_fd(tap_sock_.get());
    tap_sock_.reset();
    if (!t)
      return detail::read_child_error(errors_.get())
          .value_or(make_error(Errc::failed, "the container did not hand over its network device"));
    tap_ = std::move(*t);
  }
  if (fuse_) {
    // The child mounts its root first: serve it before anything reads it.
    auto conn = detail::receive_fd(fuse_.get());
    fuse_.reset();
    if (!conn)  // the child failed before it could hand it over
      return detail::read_child_error(errors_.get())
          .value_or(make_error(Errc::failed, "the container did not hand over its root file system"));
    TRY_STATUS(detail::serve_fuse_root(pid_, conn->get(), std::move(fuse_argv_)));
  }
  return {};
}

Status PendingInit::release(UniqueFd *pty_master) {
  TRY_STATUS(begin());
  // A child that failed while setting up has closed its end: its own
  // error, read below, says why.
  bool sent = ::write(go_.get(), "n", 1) == 1;
  int send_errno = errno;
  go_.reset();
  UniqueFd master;
  if (console_) {
    auto m = detail::receive_fd(console_.get());
    console_.reset();
    if (m)
      master = std::move(*m);
  }
  auto failure = detail::read_child_error(errors_.get());
  errors_.reset();
  if (failure) {
    ::waitpid(pid_, nullptr, 0);
    return *failure;
  }
  if (!sent) {
    errno = send_errno;
    return sys_error("starting the container");
  }
  if (pty_master)
    *pty_master = std::move(master);
  return {};
}

} // namespace skiff::runtime
