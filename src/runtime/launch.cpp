#include "skiff/runtime/launch.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "child_channel.hpp"
#include "init_child.hpp"

namespace skiff::runtime {

Result<PendingInit> clone_init(const LaunchPlan &plan, int in, int out, int err) {
  int go[2], errs[2], console[2] = {-1, -1};
  if (::pipe2(go, O_CLOEXEC) < 0 || ::pipe2(errs, O_CLOEXEC) < 0)
    return sys_error("creating pipes");
  if (plan.tty && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
    return sys_error("creating the console socket");
  // No CLONE_NEWCGROUP here: the child unshares it after release, once the
  // parent has moved it into its cgroup, so that cgroup becomes its root.
  unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
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

Status PendingInit::release(UniqueFd *pty_master) {
  if (::write(go_.get(), "g", 1) != 1)
    return sys_error("starting the container");
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
  if (pty_master)
    *pty_master = std::move(master);
  return {};
}

} // namespace skiff::runtime
