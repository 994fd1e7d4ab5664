#include "skiff/runtime/root_view.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "skiff/sys/child.hpp"
#include "skiff/sys/fd_passing.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime {

namespace {

// Runs `body` in a forked child that changes its own mount namespace and
// must hand back one directory fd on its socket (or fail on its error
// pipe); the parent's namespace never changes.
Result<UniqueFd> fd_from_child(const std::function<void(const sys::ChildChannel &)> &body) {
  auto child = TRY(sys::spawn({.socket = true, .what = "fork"}, body));
  auto err = child.read_error();
  int status = child.wait();
  if (err)
    return *err;
  if (status != 0)
    return make_error(Errc::failed, "the process opening the container's root died");
  return child.receive_fd();
}

void send_or_fail(const sys::ChildChannel &ch, int fd) {
  if (fd < 0)
    sys::child_fail_errno(ch, "opening the container's root");
  if (int e = sys::send_fd(ch.sock, fd); e != 0) {
    errno = e;
    sys::child_fail_errno(ch, "handing over the container's root");
  }
}

} // namespace

Result<UniqueFd> open_overlay_readonly(const std::vector<std::string> &dirs, bool userxattr,
                                       const std::string &scratch) {
  // Built before the fork: the child only makes syscalls.
  std::string data = "lowerdir=" + str::join(dirs, ":") + (userxattr ? ",userxattr" : "");
  return fd_from_child([&](const sys::ChildChannel &ch) {
    if (::unshare(CLONE_NEWNS) < 0)
      sys::child_fail_errno(ch, "entering a mount namespace");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
      sys::child_fail_errno(ch, "making the mounts private");
    if (::mount("overlay", scratch.c_str(), "overlay", MS_RDONLY, data.c_str()) < 0)
      sys::child_fail_errno(ch, "mounting the container's layers read-only (overlay)");
    send_or_fail(ch, ::open(scratch.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  });
}

Result<UniqueFd> open_fuse_overlay_readonly(const std::vector<std::string> &dirs, const std::string &scratch) {
  // Its chatter ("unknown argument ignored") is not the user's business
  // (stdout and stderr go to /dev/null); a failure is reported from its
  // exit status.
  std::vector<std::string> argv = {"fuse-overlayfs", "-o", "lowerdir=" + str::join(dirs, ":"), scratch};
  return fd_from_child([&](const sys::ChildChannel &ch) {
    if (::unshare(CLONE_NEWNS) < 0)
      sys::child_fail_errno(ch, "entering a mount namespace");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
      sys::child_fail_errno(ch, "making the mounts private");
    // fuse-overlayfs returns once the mount is made, leaving its daemon.
    auto mounter = sys::spawn_program(argv, {-1, -1, -1});
    if (!mounter || mounter->wait() != 0) {
      errno = !mounter && mounter.error().code == Errc::not_found ? ENOENT : EIO;
      sys::child_fail_errno(ch, "mounting the container's layers read-only (fuse-overlayfs)");
    }
    send_or_fail(ch, ::open(scratch.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    // Detached, the mount lives only through the fd handed over; when that
    // is closed the fuse connection ends and its daemon exits.
    (void)::umount2(scratch.c_str(), MNT_DETACH);
  });
}

Result<UniqueFd> open_layers_readonly(storage::DriverKind driver, const std::vector<std::string> &dirs,
                                      bool userxattr, const std::string &scratch) {
  switch (driver) {
  case storage::DriverKind::overlay:
    return open_overlay_readonly(dirs, userxattr, scratch);
  case storage::DriverKind::fuse_overlayfs:
    return open_fuse_overlay_readonly(dirs, scratch);
  case storage::DriverKind::vfs:
    break;
  }
  return make_error(Errc::invalid, "the {} driver keeps no layers to stack", storage::driver_name(driver));
}

Result<UniqueFd> open_live_root(pid_t pid, uint64_t start) {
  UniqueFd ns(::open(fmt::format("/proc/{}/ns/mnt", pid).c_str(), O_RDONLY | O_CLOEXEC));
  // Still the same process once its namespace is held: not a reused pid.
  if (!ns || !sys::process_alive(pid, start))
    return make_error(Errc::conflict, "the container is no longer running");
  auto tree = fd_from_child([&](const sys::ChildChannel &ch) {
    if (::setns(ns.get(), CLONE_NEWNS) < 0)
      sys::child_fail_errno(ch, "entering the container's mount namespace");
    // Its root mount alone, detached: what is mounted above it stays out.
    send_or_fail(ch, static_cast<int>(::open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
  });
  if (!tree)
    return std::move(tree).error();
  // open_tree gives an O_PATH fd; listing needs a readable one.
  UniqueFd dir(::openat(tree->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir)
    return sys_error("opening the container's root");
  return dir;
}

} // namespace skiff::runtime
