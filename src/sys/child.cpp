#include "skiff/sys/child.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iterator>
#include <cstring>

#include "skiff/sys/fd_passing.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::sys {

namespace {

// The parent may be gone: nothing to do about a failed write.
void write_all(int fd, std::string_view s) { (void)fs::write_all(fd, s, "the error pipe"); }

std::string read_to_end(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

} // namespace

void write_report(int fd, int code, std::initializer_list<std::string_view> message) {
  char digits[12];
  char *p = digits + sizeof digits;
  unsigned u = code < 0 ? 0U - static_cast<unsigned>(code) : static_cast<unsigned>(code);
  do
    *--p = static_cast<char>('0' + u % 10);
  while ((u /= 10) != 0);
  if (code < 0)
    *--p = '-';
  write_all(fd, std::string_view(p, static_cast<size_t>(digits + sizeof digits - p)));
  write_all(fd, " ");
  for (auto part : message)
    write_all(fd, part);
}

void child_fail(const ChildChannel &ch, int code, std::string_view message) {
  write_report(ch.errors, code, {message});
  ::_exit(code);
}

void child_fail(const ChildChannel &ch, const Error &e) { child_fail(ch, e.exit_code, e.message); }

void child_fail_errno(const ChildChannel &ch, const char *what) {
  const char *why = std::strerror(errno);
  write_report(ch.errors, kExitRuntime, {what, ": ", why});
  ::_exit(kExitRuntime);
}

void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      ::signal(s, SIG_DFL);
}

void close_fds_except(int lowest, std::initializer_list<int> keep) {
  // Sorted by insertion: std::sort on a small array trips -Warray-bounds.
  int sorted[8];
  size_t n = 0;
  for (int fd : keep) {
    if (fd < lowest || n == std::size(sorted))
      continue;
    size_t i = n++;
    for (; i > 0 && sorted[i - 1] > fd; i--)
      sorted[i] = sorted[i - 1];
    sorted[i] = fd;
  }
  auto lo = static_cast<unsigned>(lowest);
  for (size_t i = 0; i < n; i++) {
    auto fd = static_cast<unsigned>(sorted[i]);
    if (fd > lo)
      ::close_range(lo, fd - 1, 0);
    lo = fd + 1;
  }
  ::close_range(lo, ~0U, 0);
}

Result<std::string> Child::read_report() {
  std::string msg = read_to_end(errors_.get());
  errors_.reset();
  if (msg.empty())
    return msg;
  Error e{Errc::failed, msg, kExitRuntime};
  if (auto c = str::cut(msg, ' ')) {
    auto code = str::to_int(c->first);
    if (code && *code == 0)
      return c->second;
    e.exit_code = static_cast<int>(code.value_or(kExitRuntime));
    e.message = c->second;
  }
  return e;
}

std::optional<Error> Child::read_error() {
  auto r = read_report();
  if (r)
    return std::nullopt;
  return std::move(r).error();
}

Result<UniqueFd> Child::receive_fd() { return sys::receive_fd(sock_.get()); }

int wait_exit(pid_t pid) {
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int Child::wait() { return wait_exit(pid_); }

Result<Child> spawn(const SpawnOptions &opts, const std::function<void(const ChildChannel &)> &body) {
  int ep[2], sv[2] = {-1, -1};
  if (::pipe2(ep, O_CLOEXEC) < 0)
    return sys_error("{}", opts.what);
  UniqueFd err_r(ep[0]), err_w(ep[1]);
  if (opts.socket && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return sys_error("{}", opts.what);
  UniqueFd sock(sv[0]), child_sock(sv[1]);
  // Without namespaces a real fork, whose atfork handlers leave malloc
  // usable in the child of a threaded process.
  pid_t pid = opts.namespaces == 0
                  ? ::fork()
                  : static_cast<pid_t>(::syscall(SYS_clone, opts.namespaces | SIGCHLD, nullptr,
                                                 nullptr, nullptr, 0));
  if (pid < 0)
    return sys_error("{}", opts.what);
  if (pid == 0) {
    ::close(err_r.get());
    if (sock)
      ::close(sock.get());
    body(ChildChannel{err_w.get(), child_sock.get()});
    ::_exit(0);
  }
  Child c;
  c.pid_ = pid;
  c.errors_ = std::move(err_r);
  c.sock_ = std::move(sock);
  return c;
}

Result<Child> spawn_program(const std::vector<std::string> &argv, std::vector<int> fds) {
  // Built before the fork: the child only makes syscalls.
  std::vector<char *> args;
  for (const auto &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null)
    return sys_error("starting {}", argv[0]);
  for (int &fd : fds)
    if (fd < 0)
      fd = null.get();
  int count = static_cast<int>(fds.size());
  auto child = TRY(spawn({.what = "starting a program"}, [&](const ChildChannel &ch) {
    reset_signals();
    // Everything lifted above the fds to place first, so that no dup2
    // clobbers one still needed, nor lands on itself (which would keep
    // close-on-exec set).
    ChildChannel lifted{::fcntl(ch.errors, F_DUPFD_CLOEXEC, count), -1};
    if (lifted.errors < 0)
      ::_exit(kExitRuntime);
    for (int &fd : fds)
      if ((fd = ::fcntl(fd, F_DUPFD_CLOEXEC, count)) < 0)
        child_fail_errno(lifted, "placing the program's fds");
    for (int i = 0; i < count; i++)
      if (::dup2(fds[static_cast<size_t>(i)], i) < 0)
        child_fail_errno(lifted, "placing the program's fds");
    close_fds_except(count, {lifted.errors});
    ::execvp(args[0], args.data());
    int e = errno;
    write_report(lifted.errors, e == ENOENT ? kExitNotFound : kExitCannotInvoke,
                 {"exec: \"", argv[0], "\": ", std::strerror(e)});
    ::_exit(e == ENOENT ? kExitNotFound : kExitCannotInvoke);
  }));
  if (auto e = child.read_error()) {
    child.wait();
    if (e->exit_code == kExitNotFound)
      e->code = Errc::not_found;
    return *e;
  }
  return child;
}

} // namespace skiff::sys
