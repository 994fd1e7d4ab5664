#include "attach_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <initializer_list>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "skiff/cli/detach_keys.hpp"
#include "skiff/engine/attach.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::cli {

using Frame = engine::AttachFrame;

namespace {

void write_all(int fd, std::string_view d) {
  while (!d.empty()) {
    ssize_t n = ::write(fd, d.data(), d.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    d.remove_prefix(static_cast<size_t>(n));
  }
}

// The terminal's size plus `grow` rows and columns.
void send_resize(int sock, int grow) {
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    write_all(sock, engine::encode_frame(Frame::resize, fmt::format("{} {}", ws.ws_row + grow, ws.ws_col + grow)));
}

// Puts the terminal in raw mode for the session and restores it after.
struct RawTerminal {
  termios saved{};
  bool active = false;
  explicit RawTerminal(bool want) {
    if (!want || !::isatty(STDIN_FILENO) || ::tcgetattr(STDIN_FILENO, &saved) < 0)
      return;
    termios raw = saved;
    ::cfmakeraw(&raw);
    active = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active)
      ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  }
};

// The signals a user sends skiff, by keyboard or by hand; Docker's CLI
// forwards every signal but SIGCHLD and SIGPIPE.
constexpr int kUserSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

// The ones that end a Go program such as Docker's CLI when it does not
// forward them; skiff ends too, once its terminal is restored.
bool ends_client(int sig) { return sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT; }

UniqueFd watch_signals(std::initializer_list<int> extra) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : kUserSignals)
    sigaddset(&mask, s);
  for (int s : extra)
    sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  return UniqueFd(::signalfd(-1, &mask, SFD_CLOEXEC));
}

int read_signal(int sfd) {
  signalfd_siginfo si;
  return ::read(sfd, &si, sizeof si) == sizeof si ? static_cast<int>(si.ssi_signo) : 0;
}

[[noreturn]] void die_of(int sig) {
  ::signal(sig, SIG_DFL);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  ::sigprocmask(SIG_UNBLOCK, &s, nullptr);
  ::raise(sig);
  ::_exit(128 + sig);
}

// Stdin as the session forwards it: the detach sequence filtered out
// when one is watched for.
struct Input {
  std::optional<EscapeFilter> escape;
  Input(bool watch, const std::string &keys) {
    if (watch && !keys.empty())
      escape.emplace(keys);
  }
  // What to forward of `data`; sets `detach` when the sequence completed.
  std::string take(std::string_view data, bool &detach) {
    if (!escape)
      return std::string(data);
    std::string out;
    detach = escape->feed(data, out);
    return out;
  }
  std::string_view held() const { return escape ? escape->pending() : std::string_view(); }
};

SessionEnd relay_attach(int sock, const AttachOptions &o, int &fatal) {
  UniqueFd sfd = watch_signals({SIGWINCH});
  ::signal(SIGPIPE, SIG_IGN);
  if (o.tty) {
    if (o.redraw)
      send_resize(sock, 1);
    send_resize(sock, 0);
  }
  Input input(o.tty && o.stdin_open, o.detach_keys);
  bool stdin_live = o.stdin_open;
  std::string in;
  char buf[65536];
  for (;;) {
    pollfd fds[3] = {{sock, POLLIN, 0}, {sfd.get(), POLLIN, 0}, {stdin_live ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[1].revents & POLLIN) {
      int sig = read_signal(sfd.get());
      if (sig == SIGWINCH) {
        if (o.tty)
          send_resize(sock, 0);
      } else if (o.sig_proxy) {
        if (sig > 0 && o.pid > 0)
          ::kill(o.pid, sig);
      } else if (ends_client(sig)) {
        fatal = sig;
        return {128 + sig, false};
      }
    }
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n > 0) {
        bool detach = false;
        std::string data = input.take(std::string_view(buf, static_cast<size_t>(n)), detach);
        if (!data.empty())
          write_all(sock, engine::encode_frame(Frame::stdin_data, data));
        if (detach)
          return {0, true};
      } else if (n == 0 || errno != EINTR) {
        stdin_live = false;
        if (!input.held().empty())
          write_all(sock, engine::encode_frame(Frame::stdin_data, input.held()));
        // A terminal's input never ends for the container, as with Docker:
        // this one going away (closed, EIO) must not cut off the next
        // client that attaches.
        if (!o.tty)
          write_all(sock, engine::encode_frame(Frame::stdin_eof, ""));
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(sock, buf, sizeof buf);
      if (n <= 0)
        return {kExitRuntime, false};
      in.append(buf, static_cast<size_t>(n));
      while (auto f = engine::decode_frame(in)) {
        if (f->type == Frame::stdout_data)
          write_all(STDOUT_FILENO, f->payload);
        else if (f->type == Frame::stderr_data)
          write_all(STDERR_FILENO, f->payload);
        else if (f->type == Frame::exit)
          return {static_cast<int>(str::to_int(f->payload).value_or(kExitRuntime)), false};
      }
    }
  }
  return {kExitRuntime, false};
}

// Copies between the terminal and the pty until the command is gone
// (false) or the detach keys are typed (true).
bool relay_pty(int master, bool interactive, const std::string &detach_keys, int &fatal) {
  auto resize = [&] {
    winsize ws{};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
      ::ioctl(master, TIOCSWINSZ, &ws);
  };
  UniqueFd sfd = watch_signals({SIGWINCH, SIGCHLD});
  resize();
  Input input(interactive, detach_keys);
  bool stdin_live = interactive;
  char buf[65536];
  for (;;) {
    pollfd fds[3] = {{master, POLLIN, 0}, {sfd.get(), POLLIN, 0}, {stdin_live ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0 && errno != EINTR)
      return false;
    if (fds[1].revents & POLLIN) {
      int sig = read_signal(sfd.get());
      if (sig == SIGWINCH) {
        resize();
      } else if (ends_client(sig)) {
        fatal = sig;
        return false;
      }
    }
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n > 0) {
        bool detach = false;
        write_all(master, input.take(std::string_view(buf, static_cast<size_t>(n)), detach));
        if (detach)
          return true;
      } else {
        write_all(master, input.held());
        stdin_live = false;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0)
        return false;  // EIO: every slave closed, the process is gone
      write_all(STDOUT_FILENO, std::string_view(buf, static_cast<size_t>(n)));
    }
  }
}

// After a detach from exec the command goes on, as it does under Docker,
// whose daemon keeps reading the output of an exec no one is attached to
// (unread, a full pty would block the command). A process in a session of
// its own holds the pty and drains it until the command is gone; the
// helper that waits for the command leaves the terminal's foreground
// group, so that keys typed there later are not its signals.
void hand_over(int master, pid_t helper) {
  ::setpgid(helper, helper);
  if (::fork() != 0)
    return;
  ::setsid();
  int null = ::open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3; fd++)
    ::dup2(null, fd);
  ::dup2(master, 3);
  ::close_range(4, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(3, buf, sizeof buf);
    if (n <= 0 && !(n < 0 && errno == EINTR))
      ::_exit(0);
  }
}

} // namespace

SessionEnd attach_session(int sock, const AttachOptions &o) {
  int fatal = 0;
  SessionEnd end;
  {
    RawTerminal raw(o.tty && o.stdin_open);
    end = relay_attach(sock, o, fatal);
  }
  if (fatal)
    die_of(fatal);
  return end;
}

SessionEnd pty_session(int master, pid_t helper, bool interactive, const std::string &detach_keys) {
  int fatal = 0;
  bool detached = false;
  {
    RawTerminal raw(interactive);
    detached = relay_pty(master, interactive, detach_keys, fatal);
  }
  if (fatal)
    die_of(fatal);
  if (detached) {
    hand_over(master, helper);
    return {0, true};
  }
  int st = 0;
  while (::waitpid(helper, &st, 0) < 0 && errno == EINTR) {
  }
  return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), false};
}

} // namespace skiff::cli
