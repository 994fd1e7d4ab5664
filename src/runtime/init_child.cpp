// The container's first process, between clone() and execve(). It runs in
// the new namespaces, single-threaded; a failure is written to the error
// pipe as "<exit code> <message>" and ends the child.
#include "init_child.hpp"

#include <fcntl.h>
#include <sched.h>
#include <grp.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "process_setup.hpp"
#include "skiff/network/endpoint.hpp"
#include "skiff/runtime/caps.hpp"
#include "skiff/runtime/prepare_root.hpp"
#include "skiff/runtime/seccomp.hpp"
#include "skiff/runtime/user.hpp"
#include "skiff/sys/mount_ops.hpp"
#include "skiff/sys/fd_passing.hpp"
#include "skiff/sys/proctitle.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime::detail {

namespace {

void loopback_up() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP;
    ::ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  ::close(s);
}

// --init: stay as PID 1, reap every zombie and pass signals on to the
// command; exit with its status. No exec, so no binary needs to exist in
// the container's image.
[[noreturn]] void run_as_init(pid_t child) {
  sigset_t all;
  sigfillset(&all);
  for (;;) {
    siginfo_t si;
    int sig = ::sigwaitinfo(&all, &si);
    if (sig < 0)
      continue;
    if (sig != SIGCHLD) {
      ::kill(child, sig);
      continue;
    }
    int st;
    pid_t p;
    while ((p = ::waitpid(-1, &st, WNOHANG)) > 0)
      if (p == child)
        ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
  }
}

} // namespace

void init_child(const InitSpec &p, int go_fd, const sys::ChildChannel &ch) {
  char go;
  if (::read(go_fd, &go, 1) != 1)
    ::_exit(125);  // the parent gave up
  if (::unshare(CLONE_NEWCGROUP) < 0)
    sys::child_fail(ch, sys_error("creating the cgroup namespace"));
  sys::reset_signals();
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (!p.join_netns.empty()) {
    UniqueFd ns(::open(p.join_netns.c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns || ::setns(ns.get(), CLONE_NEWNET) < 0)
      sys::child_fail(ch, sys_error("joining the network namespace of the container named by --network"));
  }
  if (p.tap) {
    // First, so that the parent's helper starts while the mounts are made.
    auto tap = network::create_tap(*p.tap);
    if (!tap)
      sys::child_fail(ch, tap.error());
    if (int e = sys::send_fd(ch.sock, tap->get()); e != 0) {
      errno = e;
      sys::child_fail(ch, sys_error("handing over the network device"));
    }
  }

  for (const auto &i : p.interfaces)
    if (auto s = network::configure_interface(i); !s)
      sys::child_fail(ch, s.error());

  if (auto s = prepare_root(sys::host_mount_ops(), p, ch.sock); !s)
    sys::child_fail(ch, s.error());
  if (p.new_netns && p.join_netns.empty())
    loopback_up();

  std::vector<std::string> env = p.env;
  auto user = container_user(p.user, p.group_add, env);
  if (!user)
    sys::child_fail(ch, user.error());

  if (::chdir(p.cwd.c_str()) < 0) {
    auto made = fs::mkdir_p(p.cwd, 0755);
    if (!made || ::chdir(p.cwd.c_str()) < 0)
      sys::child_fail(ch, sys_error("chdir to working directory {}", p.cwd));
  }
  if (p.tty) {
    if (auto s = setup_tty(ch.sock, user->uid); !s)
      sys::child_fail(ch, s.error());
  }
  if (ch.sock >= 0)
    ::close(ch.sock);

  auto exe = find_executable(p.argv[0], env);
  if (!exe)
    sys::child_fail(ch, exe.error());

  // The network is wired while the mounts above were made; the command
  // must not start before it is.
  if (::read(go_fd, &go, 1) != 1)
    ::_exit(125);  // the parent gave up
  ::close(go_fd);

  if (auto st = drop_privileges(*user, p.caps, p.seccomp, p.no_new_privileges); !st)
    sys::child_fail(ch, st.error());

  if (p.init) {
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    pid_t child = ::fork();
    if (child < 0)
      sys::child_fail(ch, sys_error("forking the command under --init"));
    if (child > 0) {
      // This process was never exec'd: it still holds the CLI's fds, its
      // command line and environment. Drop the fds, blank the strings, and
      // make it non-dumpable so the container cannot ptrace it or read its
      // /proc entries. It shows as Docker's tini does: `docker-init`, run
      // as `/sbin/docker-init -- COMMAND...` (cut to the room argv had).
      ::close_range(3, ~0U, 0);
      std::string title("/sbin/docker-init\0--", 20);
      for (const auto &arg : p.argv)
        title += '\0' + arg;
      sys::set_proc_title(title);
      ::prctl(PR_SET_NAME, "docker-init");
      ::prctl(PR_SET_DUMPABLE, 0);
      run_as_init(child);
    }
    // The terminal stays with init's session; the command becomes its
    // foreground process group so ^C reaches it (SIGTTOU is still blocked).
    if (p.tty) {
      ::setpgid(0, 0);
      ::tcsetpgrp(0, ::getpid());
    }
    sys::reset_signals();
  }
  exec_or_fail(ch, *exe, p.argv, env);
}

} // namespace skiff::runtime::detail
