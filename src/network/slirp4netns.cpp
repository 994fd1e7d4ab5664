#include "slirp4netns.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "skiff/sys/child.hpp"
#include "skiff/sys/pipe.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::network::detail {

namespace {

constexpr int kReadyTimeoutMs = 30'000;

std::string last_line(const std::string &path) {
  auto text = fs::read_file(path).value_or("");
  auto lines = str::split(str::trim(text), '\n');
  return lines.empty() ? std::string() : std::string(str::trim(lines.back()));
}

Error failed(const std::string &why) {
  return make_error(Errc::failed,
                    "setting up the network with slirp4netns failed: {} (use --network none or "
                    "--network host, or check that /dev/net/tun is usable)",
                    why);
}

} // namespace

Result<SlirpProcess> spawn_slirp4netns(pid_t target, const std::string &log_path) {
  auto [ready_r, ready_w] = TRY(sys::make_pipe());
  auto [exit_r, exit_w] = TRY(sys::make_pipe());
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!log)
    return sys_error("creating {}", log_path);
  // As podman runs it: a large MTU for throughput, no way to the host's
  // loopback (a container must not reach services bound to 127.0.0.1), and
  // slirp4netns confined to an empty root under a seccomp filter.
  std::vector<std::string> argv = {"slirp4netns", "--configure", "--mtu=65520",
                                   "--disable-host-loopback", "--enable-sandbox",
                                   "--enable-seccomp", "--ready-fd=3", "--exit-fd=4",
                                   std::to_string(target), "tap0"};
  // Its fds 3 and 4: the ready and exit pipes.
  auto child = sys::spawn_program(argv, {-1, log.get(), log.get(), ready_w.get(), exit_r.get()});
  if (!child && child.error().code == Errc::not_found)
    return failed("slirp4netns not found (install package slirp4netns)");
  if (!child)
    return std::move(child).error();
  return SlirpProcess{child->pid(), std::move(ready_r), std::move(exit_w)};
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
  sys::wait_exit(pid);
  std::string why = n == 0 ? "it did not get ready in time" : last_line(log_path);
  return failed(why.empty() ? "unknown error" : why);
}

} // namespace skiff::network::detail
