#include "skiff/runtime/launch.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "init_child.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime {

Result<PendingInit> clone_init(const LaunchPlan &plan, int in, int out, int err) {
  int go[2], errs[2], console[2] = {-1, -1};
  if (::pipe2(go, O_CLOEXEC) < 0 || ::pipe2(errs, O_CLOEXEC) < 0)
    return sys_error("creating pipes");
  if (plan.tty && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
    return sys_error("creating the console socket");
  unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
  if (plan.new_netns)
    flags |= CLONE_NEWNET;
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
    if (!plan.tty) {
      // Lift the fds above 2 first so dup2 never clobbers one we still need.
      int fds[3] = {in, out, err};
      for (int &f : fds)
        f = ::fcntl(f, F_DUPFD_CLOEXEC, 3);
      for (int i = 0; i < 3; i++)
        if (fds[i] < 0 || ::dup2(fds[i], i) < 0)
          ::_exit(125);
    }
    runtime::detail::init_child(plan, {go[0], errs[1], console[1]});
  }
  ::close(go[0]);
  ::close(errs[1]);
  if (console[1] >= 0)
    ::close(console[1]);
  PendingInit p;
  p.pid_ = static_cast<pid_t>(pid);
  p.go_.reset(go[1]);
  p.errors_.reset(errs[0]);
  p.console_.reset(console[0]);
  return p;
}

static Result<UniqueFd> receive_fd(int sock) {
  char byte;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char buf[CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = buf;
  msg.msg_controllen = sizeof buf;
  ssize_t n;
  do
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return make_error(Errc::failed, "the container did not hand over its terminal");
  cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  if (!cm || cm->cmsg_type != SCM_RIGHTS)
    return make_error(Errc::failed, "the container did not hand over its terminal");
  int fd;
  std::memcpy(&fd, CMSG_DATA(cm), sizeof fd);
  return UniqueFd(fd);
}

Status PendingInit::release(UniqueFd *pty_master) {
  if (::write(go_.get(), "g", 1) != 1)
    return sys_error("starting the container");
  go_.reset();
  UniqueFd master;
  if (console_) {
    auto m = receive_fd(console_.get());
    console_.reset();
    if (m)
      master = std::move(*m);
  }
  std::string msg;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(errors_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    msg.append(buf, static_cast<size_t>(n));
  }
  errors_.reset();
  if (!msg.empty()) {
    ::waitpid(pid_, nullptr, 0);
    Error e{Errc::failed, msg, kExitRuntime};
    if (auto c = str::cut(msg, ' ')) {
      e.exit_code = static_cast<int>(str::to_int(c->first).value_or(kExitRuntime));
      e.message = c->second;
    }
    return e;
  }
  if (pty_master)
    *pty_master = std::move(master);
  return {};
}

} // namespace skiff::runtime
