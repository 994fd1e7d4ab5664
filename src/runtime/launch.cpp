#include "skiff/runtime/launch.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

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
  int go[2];
  if (::pipe2(go, O_CLOEXEC) < 0)
    return sys_error("creating pipes");
  UniqueFd go_r(go[0]), go_w(go[1]);
  // No CLONE_NEWCGROUP here: the child unshares it after release, once the
  // parent has moved it into its cgroup, so that cgroup becomes its root.
  unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
  if (spec.new_netns)
    flags |= CLONE_NEWNET;
  if (spec.keep_id)
    flags |= CLONE_NEWUSER;
  // One socket carries the fds the child hands over, in the order it makes
  // them: the tap device, the root's FUSE connection, the pty master.
  sys::SpawnOptions opts{.namespaces = flags,
                         .socket = spec.tap || spec.driver == storage::DriverKind::fuse_overlayfs || spec.tty,
                         .what = "creating the container's namespaces"};
  // The child is a copy of this single-threaded process and never returns
  // from init_child.
  auto child = TRY(sys::spawn(opts, [&](const sys::ChildChannel &ch) {
    ::close(go_w.get());
    if (!spec.tty) {
      // Lift the fds above 2 first so dup2 never clobbers one we still need.
      int fds[3] = {in, out, err};
      for (int &f : fds)
        f = ::fcntl(f, F_DUPFD_CLOEXEC, 3);
      for (int i = 0; i < 3; i++)
        if (fds[i] < 0 || ::dup2(fds[i], i) < 0)
          ::_exit(125);
    }
    runtime::detail::init_child(spec, go_r.get(), ch);
  }));
  PendingInit p;
  p.child_ = std::move(child);
  p.go_ = std::move(go_w);
  p.tap_ = spec.tap.has_value();
  p.tty_ = spec.tty;
  if (spec.driver == storage::DriverKind::fuse_overlayfs)
    p.fuse_argv_ = detail::fuse_overlayfs_argv(spec);
  if (spec.keep_id)
    if (auto s = write_keep_id_maps(p.pid(), spec.keep_uid, spec.keep_gid); !s) {
      ::kill(p.pid(), SIGKILL);
      p.child_.wait();
      return std::move(s).error();
    }
  return p;
}

Status PendingInit::begin() {
  if (!begun_ && ::write(go_.get(), "g", 1) != 1)
    return sys_error("starting the container");
  begun_ = true;
  if (tap_) {
    // The child's first step: its network device, for the helper to serve
    // while the child makes its mounts.
    tap_ = false;
    auto t = child_.receive_fd();
    if (!t)
      return child_.read_error().value_or(
          make_error(Errc::failed, "the container did not hand over its network device"));
    tap_fd_ = std::move(*t);
  }
  if (!fuse_argv_.empty()) {
    // The child mounts its root first: serve it before anything reads it.
    auto conn = child_.receive_fd();
    if (!conn)  // the child failed before it could hand it over
      return child_.read_error().value_or(
          make_error(Errc::failed, "the container did not hand over its root file system"));
    TRY_STATUS(detail::serve_fuse_root(pid(), conn->get(), std::exchange(fuse_argv_, {})));
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
  if (tty_) {
    if (auto m = child_.receive_fd())
      master = std::move(*m);
  }
  if (auto failure = child_.read_error()) {
    child_.wait();
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
