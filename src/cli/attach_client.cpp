#include "attach_client.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <string>

#include <fmt/format.h>

#include "skiff/supervisor/attach_protocol.hpp"
#include "skiff/util/result.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::cli {

using supervisor::Frame;

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

void send_resize(int sock) {
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    write_all(sock, supervisor::encode_frame(Frame::resize, fmt::format("{} {}", ws.ws_row, ws.ws_col)));
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

} // namespace

int attach_session(int sock, const AttachOptions &o) {
  RawTerminal raw(o.tty && o.stdin_open);
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH})
    sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sfd = ::signalfd(-1, &mask, SFD_CLOEXEC);
  ::signal(SIGPIPE, SIG_IGN);
  if (o.tty)
    send_resize(sock);
  bool stdin_live = o.stdin_open;
  std::string in;
  char buf[65536];
  for (;;) {
    pollfd fds[3] = {{sock, POLLIN, 0}, {sfd, POLLIN, 0}, {stdin_live ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo si;
      if (::read(sfd, &si, sizeof si) == sizeof si) {
        int sig = static_cast<int>(si.ssi_signo);
        if (sig == SIGWINCH) {
          if (o.tty)
            send_resize(sock);
        } else if (o.sig_proxy && o.pid > 0) {
          ::kill(o.pid, sig);
        }
      }
    }
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n > 0) {
        write_all(sock, supervisor::encode_frame(Frame::stdin_data, std::string_view(buf, static_cast<size_t>(n))));
      } else if (n == 0 || errno != EINTR) {
        stdin_live = false;
        write_all(sock, supervisor::encode_frame(Frame::stdin_eof, ""));
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(sock, buf, sizeof buf);
      if (n <= 0)
        return kExitRuntime;
      in.append(buf, static_cast<size_t>(n));
      while (auto f = supervisor::decode_frame(in)) {
        if (f->type == Frame::stdout_data)
          write_all(STDOUT_FILENO, f->payload);
        else if (f->type == Frame::stderr_data)
          write_all(STDERR_FILENO, f->payload);
        else if (f->type == Frame::exit)
          return static_cast<int>(str::to_int(f->payload).value_or(kExitRuntime));
      }
    }
  }
  return kExitRuntime;
}

int pty_session(int master, pid_t helper, bool interactive) {
  RawTerminal raw(interactive);
  auto resize = [&] {
    winsize ws{};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
      ::ioctl(master, TIOCSWINSZ, &ws);
  };
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGWINCH, SIGCHLD})
    sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sfd = ::signalfd(-1, &mask, SFD_CLOEXEC);
  resize();
  bool stdin_live = interactive;
  char buf[65536];
  for (;;) {
    pollfd fds[3] = {{master, POLLIN, 0}, {sfd, POLLIN, 0}, {stdin_live ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0 && errno != EINTR)
      break;
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo si;
      if (::read(sfd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGWINCH)
        resize();
    }
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n > 0)
        write_all(master, std::string_view(buf, static_cast<size_t>(n)));
      else
        stdin_live = false;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0)
        break;  // EIO: every slave closed, the process is gone
      write_all(STDOUT_FILENO, std::string_view(buf, static_cast<size_t>(n)));
    }
  }
  int st = 0;
  while (::waitpid(helper, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

} // namespace skiff::cli
