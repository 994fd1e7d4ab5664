#include "skiff/runtime/root_view.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "child_channel.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime {

namespace {

// In the child: reports a failure on the error pipe as "<code> <message>"
// and exits; nothing here returns.
[[noreturn]] void child_fail(int err_fd, const std::string &what) {
  std::string msg = fmt::format("{} {}: {}", kExitRuntime, what, std::strerror(errno));
  (void)!::write(err_fd, msg.data(), msg.size());
  ::_exit(1);
}

// Runs `body` in a forked child that changes its own mount namespace and
// must hand back one directory fd through `sock` (or fail on `err_fd`);
// the parent's namespace never changes.
Result<UniqueFd> fd_from_child(const std::function<void(int err_fd, int sock)> &body) {
  int sv[2], ep[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return sys_error("socketpair");
  UniqueFd sock(sv[0]), child_sock(sv[1]);
  if (::pipe2(ep, O_CLOEXEC) < 0)
    return sys_error("pipe");
  UniqueFd err_rd(ep[0]), err_wr(ep[1]);
  pid_t pid = ::fork();
  if (pid < 0)
    return sys_error("fork");
  if (pid == 0) {
    body(err_wr.get(), child_sock.get());
    ::_exit(0);
  }
  child_sock.reset();
  err_wr.reset();
  auto err = detail::read_child_error(err_rd.get());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (err)
    return *err;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return make_error(Errc::failed, "the process opening the container's root died");
  return detail::receive_fd(sock.get());
}

void send_or_fail(int err_fd, int sock, int fd) {
  if (fd < 0)
    child_fail(err_fd, "opening the container's root");
  if (int e = detail::send_fd(sock, fd); e != 0) {
    errno = e;
    child_fail(err_fd, "handing over the container's root");
  }
}

} // namespace

Result<UniqueFd> open_overlay_readonly(const std::vector<std::string> &dirs, bool userxattr,
                                       const std::string &scratch) {
  // Built before the fork: the child only makes syscalls.
  std::string data = "lowerdir=" + str::join(dirs, ":") + (userxattr ? ",userxattr" : "");
  return fd_from_child([&](int err_fd, int sock) {
    if (::unshare(CLONE_NEWNS) < 0)
      child_fail(err_fd, "entering a mount namespace");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
      child_fail(err_fd, "making the mounts private");
    if (::mount("overlay", scratch.c_str(), "overlay", MS_RDONLY, data.c_str()) < 0)
      child_fail(err_fd, "mounting the container's layers read-only (overlay)");
    send_or_fail(err_fd, sock, ::open(scratch.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  });
}

Result<UniqueFd> open_fuse_overlay_readonly(const std::vector<std::string> &dirs, const std::string &scratch) {
  std::string opts = "lowerdir=" + str::join(dirs, ":");
  const char *argv[] = {"fuse-overlayfs", "-o", opts.c_str(), scratch.c_str(), nullptr};
  return fd_from_child([&](int err_fd, int sock) {
    if (::unshare(CLONE_NEWNS) < 0)
      child_fail(err_fd, "entering a mount namespace");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
      child_fail(err_fd, "making the mounts private");
    // fuse-overlayfs returns once the mount is made, leaving its daemon.
    pid_t mounter = ::fork();
    if (mounter == 0) {
      // Its chatter ("unknown argument ignored") is not the user's business;
      // a failure is reported from its exit status.
      int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
      if (null >= 0) {
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
      }
      ::execvp(argv[0], const_cast<char *const *>(argv));
      ::_exit(127);
    }
    int st = 0;
    if (mounter < 0 || ::waitpid(mounter, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      errno = WIFEXITED(st) && WEXITSTATUS(st) == 127 ? ENOENT : EIO;
      child_fail(err_fd, "mounting the container's layers read-only (fuse-overlayfs)");
    }
    send_or_fail(err_fd, sock, ::open(scratch.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
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
  auto tree = fd_from_child([&](int err_fd, int sock) {
    if (::setns(ns.get(), CLONE_NEWNS) < 0)
      child_fail(err_fd, "entering the container's mount namespace");
    // Its root mount alone, detached: what is mounted above it stays out.
    send_or_fail(err_fd, sock, static_cast<int>(::open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
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
