#include "skiff/runtime/exec.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "process_setup.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::runtime {

namespace {

using sys::child_fail;

// The namespaces to join, user first: the others are owned by it.
constexpr std::pair<const char *, int> kNamespaces[] = {
    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},   {"uts", CLONE_NEWUTS},    {"ipc", CLONE_NEWIPC},
    {"net", CLONE_NEWNET},   {"pid", CLONE_NEWPID},  {"cgroup", CLONE_NEWCGROUP}};

// In the grandchild, inside every namespace: become the process.
[[noreturn]] void exec_child(const ExecSpec &s, const sys::ChildChannel &ch) {
  sys::reset_signals();
  std::vector<std::string> env = s.env;
  auto user = detail::container_user(s.user, s.group_add, env);
  if (!user)
    child_fail(ch, user.error());
  if (::chdir(s.cwd.c_str()) < 0)
    child_fail(ch, 126, fmt::format("chdir to {}: {}", s.cwd, std::strerror(errno)));
  if (auto st = detail::apply_rlimits(s.ulimits); !st)
    child_fail(ch, st.error());
  if (s.tty) {
    if (auto st = detail::setup_tty(ch.sock, user->uid); !st)
      child_fail(ch, st.error());
  }
  if (ch.sock >= 0)
    ::close(ch.sock);
  auto exe = detail::find_executable(s.argv[0], env);
  if (!exe)
    child_fail(ch, exe.error());
  if (auto st = detail::drop_privileges(*user, s.caps, s.seccomp, s.no_new_privileges); !st)
    child_fail(ch, st.error());
  detail::exec_or_fail(ch, *exe, s.argv, env);
}

} // namespace

Result<ExecProcess> start_exec(const ExecSpec &s) {
  if (s.argv.empty())
    return make_error(Errc::invalid, "no command given to exec");
  // Open every namespace before joining any: after setns(mnt) the paths
  // under /proc would be the container's.
  std::vector<std::pair<UniqueFd, int>> ns;
  for (auto [name, flag] : kNamespaces) {
    std::string mine = fmt::format("/proc/self/ns/{}", name);
    std::string theirs = fmt::format("/proc/{}/ns/{}", s.target, name);
    char a[64] = {}, b[64] = {};
    if (::readlink(mine.c_str(), a, sizeof a - 1) > 0 && ::readlink(theirs.c_str(), b, sizeof b - 1) > 0 &&
        std::strcmp(a, b) == 0)
      continue;  // already there (e.g. no user namespace as root)
    UniqueFd fd(::open(theirs.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
      return sys_error("opening {} of the container", theirs);
    ns.emplace_back(std::move(fd), flag);
  }
  auto helper = TRY(sys::spawn({.socket = s.tty, .what = "forking"}, [&](const sys::ChildChannel &ch) {
    for (const auto &p : s.cgroup_procs)
      (void)fs::write_file(p, std::to_string(::getpid()));
    for (auto &[fd, flag] : ns)
      if (::setns(fd.get(), flag) < 0)
        child_fail(ch, sys_error("joining the container's namespaces"));
    if (s.detach || !s.interactive) {
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      if (s.detach) {
        ::dup2(null, 1);
        ::dup2(null, 2);
      }
    }
    // Signals are blocked before the fork, not after: a command that exits
    // at once would otherwise send its SIGCHLD while it is still ignored,
    // and the wait below would never end (nor would the container, whose
    // PID 1 cannot finish exiting while this zombie is in its namespace).
    // The child unblocks them first thing.
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    // The PID namespace applies to children only: fork once more. The
    // command reports on this helper's channel, which its exec closes.
    pid_t child = ::fork();
    if (child < 0)
      child_fail(ch, sys_error("forking into the container"));
    if (child == 0) {
      if (!s.detach)
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      exec_child(s, ch);
    }
    ::close(ch.errors);
    if (ch.sock >= 0)
      ::close(ch.sock);
    if (s.detach)
      ::_exit(0);
    // Stand in for the process outside the container: pass on signals,
    // and exit with its status.
    for (;;) {
      siginfo_t si;
      int sig = ::sigwaitinfo(&all, &si);
      if (sig > 0 && sig != SIGCHLD) {
        ::kill(child, sig);
        continue;
      }
      int st;
      if (::waitpid(child, &st, WNOHANG) == child)
        ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    }
  }));
  ExecProcess p;
  p.pid = helper.pid();
  if (s.tty) {
    auto m = helper.receive_fd();
    if (m)
      p.pty = std::move(*m);
  }
  if (auto failure = helper.read_error()) {
    helper.wait();
    return *failure;
  }
  return p;
}

int wait_exec(pid_t pid) {
  int code = sys::wait_exit(pid);
  return code < 0 ? kExitRuntime : code;
}

} // namespace skiff::runtime
