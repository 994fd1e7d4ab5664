#include "skiff/network/pasta.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "helper_exec.hpp"
#include "pid_file.hpp"

namespace skiff::network {

Status attach_pasta(pid_t pid, const std::string &pid_file) {
  // pasta gets the namespace as an fd we opened: it drops its capabilities
  // before opening it, and the kernel would refuse it /proc/PID/ns/* of a
  // process holding more capabilities than it has.
  UniqueFd netns(::open(fmt::format("/proc/{}/ns/net", pid).c_str(), O_RDONLY));
  if (!netns)
    return sys_error("opening the container's network namespace");
  std::string net_path = fmt::format("/proc/self/fd/{}", netns.get());
  // pasta runs in our user namespace, the one that owns the container's
  // network namespace. Left to itself, as (namespaced) root it would switch
  // to nobody, who may not enter that namespace; it still drops every
  // capability it does not need.
  std::vector<const char *> argv = {"pasta", "--config-net", "--quiet", "--runas", "0",
                                    "--dns-forward", kPastaDns, "-t", "none", "-u", "none",
                                    "-T", "none", "-U", "none", "--no-map-gw",
                                    "--netns", net_path.c_str(), "--pid", pid_file.c_str()};
  argv.push_back(nullptr);
  int errp[2];
  if (::pipe2(errp, O_CLOEXEC) < 0)
    return sys_error("creating a pipe");
  pid_t child = ::fork();
  if (child < 0)
    return sys_error("starting pasta");
  if (child == 0) {
    detail::reset_signals_for_exec();
    ::dup2(errp[1], 2);
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::execvp("pasta", const_cast<char *const *>(argv.data()));
    ::_exit(127);
  }
  ::close(errp[1]);
  // pasta's daemonised copy may keep stderr open: wait for the foreground
  // process, then read only what is already there.
  int st = 0;
  ::waitpid(child, &st, 0);
  ::fcntl(errp[0], F_SETFL, O_NONBLOCK);
  std::string err;
  char buf[512];
  ssize_t n;
  while ((n = ::read(errp[0], buf, sizeof buf)) > 0)
    err.append(buf, static_cast<size_t>(n));
  ::close(errp[0]);
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
    return {};
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r'))
    err.pop_back();
  if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
    err = "pasta not found (install package passt)";
  return make_error(Errc::failed,
                    "setting up the network with pasta failed: {} (use --network none or "
                    "--network host, or check that /dev/net/tun is usable)",
                    err.empty() ? "unknown error" : err);
}

pid_t stop_pasta(const std::string &pid_file) {
  return detail::stop_by_pid_file(pid_file, {"passt", "pasta"});
}

} // namespace skiff::network
