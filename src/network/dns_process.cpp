// Starting a network's DNS server on demand: at most one per network, held
// by its flock on dns.lock; the process forked (twice, so it belongs to
// init) from whatever skiff command needs it, as the supervisor is.
#include "skiff/network/dns_server.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "dns_serve.hpp"
#include "skiff/network/dns_names.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/sys/proctitle.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/lock.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::network {

namespace {

Status check(const DnsServerConfig &c) {
  if (c.state_dir.empty())
    return make_error(Errc::invalid, "the DNS server needs a state directory");
  if (c.listen.empty())
    return make_error(Errc::invalid, "the DNS server needs an address to listen on");
  for (const auto &a : c.listen)
    if (!dns::parse_address(a))
      return make_error(Errc::invalid, "listen address {:?} is not an IP address", a);
  for (const auto &a : c.upstreams)
    if (!dns::parse_address(a))
      return make_error(Errc::invalid, "upstream nameserver {:?} is not an IP address", a);
  return {};
}

pid_t recorded_pid(const std::string &state_dir) {
  auto text = fs::read_file(state_dir + "/dns.pid");
  auto pid = text ? str::to_int(str::trim(*text)) : std::nullopt;
  return pid && *pid > 0 ? static_cast<pid_t>(*pid) : 0;
}

} // namespace

void stop_dns_server(const std::string &state_dir) {
  auto starting = FileLock::acquire(state_dir + "/dns.start.lock");
  if (!starting)
    return;
  for (int i = 0; i < 200; i++) {
    auto held = FileLock::try_acquire(state_dir + "/dns.lock");
    if (!held || *held)
      return;  // no server holds it
    // Only a process holding dns.lock is signalled: a pid file left by a
    // server killed with -9 may name someone else by now.
    if (i == 0)
      if (pid_t pid = recorded_pid(state_dir); pid > 0)
        ::kill(pid, SIGTERM);
    ::usleep(10000);
  }
}

Result<DnsServerStatus> ensure_dns_server(const DnsServerConfig &config) {
  std::string what = fmt::format("starting the DNS server of network {}",
                                 config.network_name.empty() ? config.network_id : config.network_name);
  if (auto s = check(config); !s)
    return std::move(s).error().wrap(what);
  if (auto s = fs::mkdir_p(config.state_dir); !s)
    return std::move(s).error().wrap(what);
  // Held until this call returns: a server deciding to exit takes it too,
  // so it cannot go between our look at dns.lock and our caller's use.
  auto starting = FileLock::acquire(config.state_dir + "/dns.start.lock");
  if (!starting)
    return std::move(starting).error().wrap(what);
  auto held = FileLock::try_acquire(config.state_dir + "/dns.lock");
  if (!held)
    return std::move(held).error().wrap(what);
  if (!*held)
    return DnsServerStatus{recorded_pid(config.state_dir), false};
  int lock_fd = (*held)->fd();
  auto child = sys::spawn({.what = "forking the DNS server"}, [&](const sys::ChildChannel &ch) {
    ::setsid();
    pid_t pid = ::fork();
    if (pid < 0)
      sys::child_fail_errno(ch, "forking the DNS server");
    if (pid > 0)
      ::_exit(0);
    sys::reset_signals();
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; fd++)
      ::dup2(null, fd);
    // Its copy of dns.lock's open file keeps the lock for its whole life.
    sys::close_fds_except(3, {ch.errors, lock_fd, config.netns_fd});
    ::prctl(PR_SET_NAME, "skiff-dns");
    sys::set_proc_title("skiff-dns " + (config.network_name.empty() ? config.network_id : config.network_name));
    if (config.netns_fd >= 0) {
      if (::setns(config.netns_fd, CLONE_NEWNET) < 0)
        sys::child_fail_errno(ch, "entering the network namespace");
      ::close(config.netns_fd);
    }
    ::_exit(detail::serve_dns(config, ch.errors));
  });
  if (!child)
    return std::move(child).error().wrap(what);
  child->wait();  // the first fork, gone once it forked the server
  auto reported = child->read_report();
  if (!reported)
    return std::move(reported).error().wrap(what);
  if (reported->empty())
    return make_error(Errc::failed, "{}: it exited before serving", what);
  return DnsServerStatus{static_cast<pid_t>(str::to_int(*reported).value_or(0)), true};
}

} // namespace skiff::network
