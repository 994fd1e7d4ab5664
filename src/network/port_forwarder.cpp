// The forwarder process of a container with published ports: forked by
// the supervisor once the container's network is up, it takes the host
// listeners the supervisor bound, joins the container's network namespace
// (so every socket it makes after that is inside the container) and runs
// one epoll loop over the listeners (tcp_relay.cpp, udp_relay.cpp).
#include <ifaddrs.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "relay.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/sys/pipe.hpp"
#include "skiff/sys/proctitle.hpp"

namespace skiff::network {

namespace detail {

void ForwardContext::adopt(std::unique_ptr<EventHandler> h) {
  EventHandler *p = h.get();
  live.emplace(p, std::move(h));
}

void ForwardContext::retire(EventHandler *h) {
  auto it = live.find(h);
  if (it == live.end())
    return;
  retired.push_back(std::move(it->second));
  live.erase(it);
}

bool ForwardContext::container_address(in_addr &out) {
  if (!have_address_) {
    ifaddrs *list = nullptr;
    if (::getifaddrs(&list) < 0)
      return false;
    for (ifaddrs *i = list; i; i = i->ifa_next)
      if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_UP) &&
          !(i->ifa_flags & IFF_LOOPBACK)) {
        address_ = reinterpret_cast<sockaddr_in *>(i->ifa_addr)->sin_addr;
        have_address_ = true;
        break;
      }
    ::freeifaddrs(list);
  }
  out = address_;
  return have_address_;
}

void run_forwarder(std::vector<Listener> &listeners, int exit_fd) {
  ::signal(SIGPIPE, SIG_IGN);  // a peer gone mid-splice is an EPIPE, not a death
  ForwardContext ctx;
  UniqueFd ep(::epoll_create1(EPOLL_CLOEXEC));
  ctx.epfd = ep.get();
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the supervisor's pipe: its end closing ends us
  ::epoll_ctl(ctx.epfd, EPOLL_CTL_ADD, exit_fd, &ev);
  std::vector<std::unique_ptr<EventHandler>> handlers;
  for (auto &l : listeners) {
    std::unique_ptr<EventHandler> h;
    if (l.request.proto == "udp")
      h = std::make_unique<UdpRelay>(ctx, l);
    else
      h = tcp_listener(ctx, l);
    ev.events = EPOLLIN;
    ev.data.ptr = h.get();
    ::epoll_ctl(ctx.epfd, EPOLL_CTL_ADD, l.fd.get(), &ev);
    handlers.push_back(std::move(h));
  }
  epoll_event events[64];
  for (;;) {
    bool flows = std::any_of(ctx.udp.begin(), ctx.udp.end(), [](UdpRelay *u) { return u->has_flows(); });
    int n = ::epoll_wait(ctx.epfd, events, 64, flows ? 1000 : -1);
    if (n < 0 && errno != EINTR)
      return;
    for (int i = 0; i < n; i++) {
      if (!events[i].data.ptr)
        return;
      static_cast<EventHandler *>(events[i].data.ptr)->on_event(events[i].events);
    }
    ctx.retired.clear();
    if (flows) {
      int64_t now = monotonic_ms();
      for (auto *u : ctx.udp)
        u->sweep(now);
    }
  }
}

} // namespace detail

namespace {

// Every fd from 3 up but `keep` closed: the supervisor's log, clients,
// pty and namespaces are none of the forwarder's business.
void close_all_but(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned from = 3;
  for (int fd : keep) {
    if (fd < 3)
      continue;
    if (static_cast<unsigned>(fd) > from)
      ::syscall(SYS_close_range, from, static_cast<unsigned>(fd) - 1, 0);
    from = static_cast<unsigned>(fd) + 1;
  }
  ::syscall(SYS_close_range, from, ~0U, 0);
}

// What the forwarder needs after setns is sockets: no capability at all.
void drop_privileges() {
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct d[2]{};
  ::syscall(SYS_capset, &h, d);
}

} // namespace

Result<PortForwarder> PortForwarder::start(std::vector<Listener> listeners, int netns, const std::string &name) {
  auto [exit_r, exit_w] = TRY(sys::make_pipe());
  pid_t parent = ::getpid();
  auto child = TRY(sys::spawn({.what = "starting the port forwarder"}, [&](const sys::ChildChannel &ch) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(1);
    ::prctl(PR_SET_NAME, "skiff-ports");
    sys::set_proc_title("skiff-ports " + name);
    std::vector<int> keep{ch.errors, exit_r.get(), netns};
    for (const auto &l : listeners)
      keep.push_back(l.fd.get());
    close_all_but(keep);
    if (::setns(netns, CLONE_NEWNET) < 0)
      sys::child_fail_errno(ch, "joining the container's network namespace");
    ::close(netns);
    drop_privileges();
    // Each connection costs six fds (two sockets, two pipes).
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      rl.rlim_cur = rl.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    sys::report_value(ch.errors, "ready");
    ::close(ch.errors);
    detail::run_forwarder(listeners, exit_r.get());
    ::_exit(0);
  }));
  auto ready = child.read_report();
  if (!ready) {
    sys::wait_exit(child.pid());
    return std::move(ready).error();
  }
  PortForwarder f;
  f.pid_ = child.pid();
  f.exit_ = std::move(exit_w);
  return f;
}

pid_t PortForwarder::stop() {
  exit_.reset();
  // Killed, not left to notice its pipe: its listeners must be closed
  // before the exit is recorded, so that the ports are free for whatever
  // starts next.
  if (pid_ > 0)
    ::kill(pid_, SIGKILL);
  return std::exchange(pid_, 0);
}

} // namespace skiff::network
