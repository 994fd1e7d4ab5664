#include "slirp_loop.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include <cstring>
#include <string_view>
#include <vector>

#include "skiff/network/slirp.hpp"
#include "skiff/sys/fd_passing.hpp"

namespace skiff::network::detail {

namespace {

// libslirp is loaded here, in the helper only: linked into skiff it would
// bring glib into every command's start.
struct SlirpApi {
  decltype(&::slirp_new) new_;
  decltype(&::slirp_input) input;
  decltype(&::slirp_pollfds_fill) fill;
  decltype(&::slirp_pollfds_poll) poll;
};

Result<SlirpApi> load_slirp() {
  void *lib = ::dlopen("libslirp.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return make_error(Errc::failed, "cannot load libslirp (install the libslirp0 package): {}",
                      ::dlerror());
  SlirpApi api{};
  auto sym = [&](auto &fn, const char *name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
    return fn != nullptr;
  };
  if (!sym(api.new_, "slirp_new") || !sym(api.input, "slirp_input") ||
      !sym(api.fill, "slirp_pollfds_fill") || !sym(api.poll, "slirp_pollfds_poll"))
    return make_error(Errc::failed, "libslirp lacks a function skiff needs");
  return api;
}

int64_t now_ms() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1'000'000;
}

struct Timer {
  SlirpTimerCb cb;
  void *opaque;
  int64_t expire_ms = -1;  // -1: not armed
};

struct Loop {
  int tap;
  std::vector<pollfd> fds;
  std::vector<Timer *> timers;
};

int to_poll(int ev) {
  return ((ev & SLIRP_POLL_IN) ? POLLIN : 0) | ((ev & SLIRP_POLL_OUT) ? POLLOUT : 0) |
         ((ev & SLIRP_POLL_PRI) ? POLLPRI : 0) | ((ev & SLIRP_POLL_ERR) ? POLLERR : 0) |
         ((ev & SLIRP_POLL_HUP) ? POLLHUP : 0);
}

int from_poll(int ev) {
  return ((ev & POLLIN) ? SLIRP_POLL_IN : 0) | ((ev & POLLOUT) ? SLIRP_POLL_OUT : 0) |
         ((ev & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((ev & POLLERR) ? SLIRP_POLL_ERR : 0) |
         ((ev & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

ssize_t send_packet(const void *buf, size_t len, void *opaque) {
  auto *loop = static_cast<Loop *>(opaque);
  ssize_t n;
  while ((n = ::write(loop->tap, buf, len)) < 0 && errno == EINTR) {
  }
  return n;
}

void guest_error(const char *, void *) {}
int64_t clock_ns(void *) { return now_ms() * 1'000'000; }

void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque) {
  auto *t = new Timer{cb, cb_opaque};
  static_cast<Loop *>(opaque)->timers.push_back(t);
  return t;
}

void timer_free(void *timer, void *opaque) {
  auto &ts = static_cast<Loop *>(opaque)->timers;
  std::erase(ts, static_cast<Timer *>(timer));
  delete static_cast<Timer *>(timer);
}

void timer_mod(void *timer, int64_t expire_ms, void *) {
  static_cast<Timer *>(timer)->expire_ms = expire_ms;
}

void no_fd(int, void *) {}
void notify(void *) {}

int add_poll(int fd, int events, void *opaque) {
  auto &fds = static_cast<Loop *>(opaque)->fds;
  fds.push_back({fd, static_cast<short>(to_poll(events)), 0});
  return static_cast<int>(fds.size() - 1);
}

int get_revents(int idx, void *opaque) {
  return from_poll(static_cast<Loop *>(opaque)->fds[static_cast<size_t>(idx)].revents);
}

[[noreturn]] void fail(int ready_fd, std::string_view msg) {
  (void)!::write(ready_fd, msg.data(), msg.size());
  ::_exit(1);
}

in_addr ipv4(const char *text) {
  in_addr a{};
  ::inet_pton(AF_INET, text, &a);
  return a;
}

} // namespace

void run_slirp(int tap_sock, int ready_fd, int exit_fd) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  auto api = load_slirp();
  if (!api)
    fail(ready_fd, api.error().message);

  Loop loop{-1, {}, {}};
  SlirpConfig cfg{};
  cfg.version = 1;
  cfg.in_enabled = true;
  cfg.vnetwork = ipv4("10.0.2.0");
  cfg.vnetmask = ipv4("255.255.255.0");
  cfg.vhost = ipv4("10.0.2.2");
  cfg.vdhcp_start = ipv4("10.0.2.15");
  cfg.vnameserver = ipv4("10.0.2.3");
  const int mtu = slirp_tap_config().mtu;
  cfg.if_mtu = static_cast<size_t>(mtu);
  cfg.if_mru = static_cast<size_t>(mtu);
  // A container must not reach services bound to the host's 127.0.0.1.
  cfg.disable_host_loopback = true;
  SlirpCb cb{};
  cb.send_packet = send_packet;
  cb.guest_error = guest_error;
  cb.clock_get_ns = clock_ns;
  cb.timer_new = timer_new;
  cb.timer_free = timer_free;
  cb.timer_mod = timer_mod;
  cb.register_poll_fd = no_fd;
  cb.unregister_poll_fd = no_fd;
  cb.notify = notify;
  Slirp *slirp = api->new_(&cfg, &cb, &loop);
  if (!slirp)
    fail(ready_fd, "libslirp could not start");
  if (auto s = confine_slirp(); !s)
    fail(ready_fd, s.error().message);
  // The container hands its tap over once it has made it; a supervisor
  // that gives up closes the socket.
  auto tap_fd = sys::receive_fd(tap_sock);
  if (!tap_fd)
    ::_exit(0);
  ::close(tap_sock);
  const int tap = tap_fd->release();
  loop.tap = tap;
  ::fcntl(tap, F_SETFL, ::fcntl(tap, F_GETFL) | O_NONBLOCK);
  (void)!::write(ready_fd, "1", 1);
  ::close(ready_fd);

  std::vector<uint8_t> buf(static_cast<size_t>(mtu) + 64);  // a frame: MTU plus its header
  for (;;) {
    loop.fds.clear();
    loop.fds.push_back({tap, POLLIN, 0});
    loop.fds.push_back({exit_fd, POLLIN, 0});
    uint32_t timeout = UINT32_MAX;
    api->fill(slirp, &timeout, add_poll, &loop);
    int64_t now = now_ms();
    for (const auto *t : loop.timers)
      if (t->expire_ms >= 0)
        timeout = static_cast<uint32_t>(std::min<int64_t>(timeout, std::max<int64_t>(t->expire_ms - now, 0)));
    int n = ::poll(loop.fds.data(), loop.fds.size(), timeout == UINT32_MAX ? -1 : static_cast<int>(timeout));
    if (n < 0 && errno != EINTR)
      ::_exit(1);
    if (loop.fds[1].revents)
      ::_exit(0);  // the supervisor is done with the container (or gone)
    if (loop.fds[0].revents & POLLIN) {
      ssize_t len;
      while ((len = ::read(tap, buf.data(), buf.size())) > 0)
        api->input(slirp, buf.data(), static_cast<int>(len));
    }
    if (loop.fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
      ::_exit(0);  // the namespace, and with it the device, is gone
    api->poll(slirp, n < 0, get_revents, &loop);
    now = now_ms();
    for (size_t i = 0; i < loop.timers.size(); i++) {
      Timer *t = loop.timers[i];
      if (t->expire_ms >= 0 && t->expire_ms <= now) {
        t->expire_ms = -1;
        t->cb(t->opaque);
      }
    }
  }
}

} // namespace skiff::network::detail
