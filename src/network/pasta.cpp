#include "skiff/network/pasta.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "skiff/sys/child.hpp"
#include "skiff/sys/pipe.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "pid_file.hpp"

namespace skiff::network {

namespace {

Error failed(const std::string &why) {
  return make_error(Errc::failed,
                    "setting up the network with pasta failed: {} (use --network none or "
                    "--network host, or check that /dev/net/tun is usable)",
                    why);
}

} // namespace

Status attach_pasta(pid_t pid, const std::string &pid_file) {
  // pasta gets the namespace as an fd we opened: it drops its capabilities
  // before opening it, and the kernel would refuse it /proc/PID/ns/* of a
  // process holding more capabilities than it has.
  // It is pasta's fd 3.
  UniqueFd netns(::open(fmt::format("/proc/{}/ns/net", pid).c_str(), O_RDONLY | O_CLOEXEC));
  if (!netns)
    return sys_error("opening the container's network namespace");
  // pasta runs in our user namespace, the one that owns the container's
  // network namespace. Left to itself, as (namespaced) root it would switch
  // to nobody, who may not enter that namespace; it still drops every
  // capability it does not need.
  std::vector<std::string> argv = {"pasta", "--config-net", "--quiet", "--runas", "0",
                                   "--dns-forward", kPastaDns, "-t", "none", "-u", "none",
                                   "-T", "none", "-U", "none", "--no-map-gw",
                                   "--netns", "/proc/self/fd/3", "--pid", pid_file};
  auto [err_r, err_w] = TRY(sys::make_pipe());
  auto child = sys::spawn_program(argv, {-1, -1, err_w.get(), netns.get()});
  if (!child && child.error().code == Errc::not_found)
    return failed("pasta not found (install package passt)");
  if (!child)
    return std::move(child).error();
  err_w.reset();
  // pasta's daemonised copy may keep stderr open: wait for the foreground
  // process, then read only what is already there.
  int status = child->wait();
  ::fcntl(err_r.get(), F_SETFL, O_NONBLOCK);
  std::string err;
  char buf[512];
  ssize_t n;
  while ((n = ::read(err_r.get(), buf, sizeof buf)) > 0)
    err.append(buf, static_cast<size_t>(n));
  if (status == 0)
    return {};
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r'))
    err.pop_back();
  return failed(err.empty() ? "unknown error" : err);
}

pid_t stop_pasta(const std::string &pid_file) {
  return detail::stop_by_pid_file(pid_file, {"passt", "pasta"});
}

} // namespace skiff::network
