#include "slirp4netns.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include <fmt/format.h>

#include "skiff/sys/pipe.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "helper_exec.hpp"

namespace skiff::network::detail {

namespace {

constexpr int kReadyFd = 3, kExitFd = 4;
constexpr int kReadyTimeoutMs = 30'000;

std::string last_line(const std::string &path) {
  auto text = fs::read_file(path).value_or("");
  auto lines = str::split(str::trim(text), '\n');
  return lines.empty() ? std::string() : std::string(str::trim(lines.back()));
}

} // namespace

Result<SlirpProcess> spawn_slirp4netns(pid_t target, const std::string &log_path) {
  auto [ready_r, ready_w] = TRY(sys::make_pipe());
  auto [exit_r, exit_w] = TRY(sys::make_pipe());
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!log)
    return sys_error("creating {}", log_path);
  std::string target_arg = std::to_string(target);
  // As podman runs it: a large MTU for throughput, no way to the host's
  // loopback (a container must not reach services bound to 127.0.0.1), and
  // slirp4netns confined to an empty root under a seccomp filter.
  const char *argv[] = {"slirp4netns", "--configure", "--mtu=65520", "--disable-host-loopback",
                        "--enable-sandbox", "--enable-seccomp", "--ready-fd=3", "--exit-fd=4",
                        target_arg.c_str(), "tap0", nullptr};
  pid_t pid = ::fork();
  if (pid < 0)
    return sys_error("starting slirp4netns");
  if (pid == 0) {
    reset_signals_for_exec();
    // Lift both ends above the target numbers first so that dup2 never
    // lands on itself (which would keep close-on-exec set).
    int r = ::fcntl(ready_w.get(), F_DUPFD_CLOEXEC, 10);
    int e = ::fcntl(exit_r.get(), F_DUPFD_CLOEXEC, 10);
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (r < 0 || e < 0 || null < 0 || ::dup2(null, 0) < 0 || ::dup2(log.get(), 1) < 0 ||
        ::dup2(log.get(), 2) < 0 || ::dup2(r, kReadyFd) < 0 || ::dup2(e, kExitFd) < 0)
      ::_exit(126);
    ::close_range(kExitFd + 1, ~0U, 0);
    ::execvp(argv[0], const_cast<char *const *>(argv));
    ::_exit(127);
  }
  return SlirpProcess{pid, std::move(ready_r), std::move(exit_w)};
}

Status wait_slirp4netns(pid_t pid, int ready_fd, const std::string &log_path) {
  pollfd p{ready_fd, POLLIN, 0};
  int n;
  while ((n = ::poll(&p, 1, kReadyTimeoutMs)) < 0 && errno == EINTR) {
  }
  char c = 0;
  if (n > 0 && ::read(ready_fd, &c, 1) == 1 && c == '1')
    return {};
  ::kill(pid, SIGKILL);
  int st = 0;
  ::waitpid(pid, &st, 0);
  std::string why = n == 0 ? "it did not get ready in time" : last_line(log_path);
  if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
    why = "slirp4netns not found (install package slirp4netns)";
  return make_error(Errc::failed,
                    "setting up the network with slirp4netns failed: {} (use --network none or "
                    "--network host, or check that /dev/net/tun is usable)",
                    why.empty() ? "unknown error" : why);
}

} // namespace skiff::network::detail
