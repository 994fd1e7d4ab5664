// UDP through the forwarder, as docker-proxy relays it: each client
// address gets a socket of its own inside the container's namespace,
// connected to the container's port; replies go back to that client from
// the host socket. A flow without traffic for 90 s is forgotten.
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include "relay.hpp"

namespace skiff::network::detail {

int64_t monotonic_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

namespace {
char g_buf[65536];  // one datagram at a time, in one thread
} // namespace

struct UdpRelay::Flow : EventHandler {
  UdpRelay *relay = nullptr;
  sockaddr_storage client{};
  socklen_t client_len = 0;
  UniqueFd sock;
  int64_t last_ms = 0;

  // Replies from the container, sent on to the client.
  void on_event(uint32_t) override {
    for (;;) {
      ssize_t n = ::recv(sock.get(), g_buf, sizeof g_buf, 0);
      if (n < 0) {
        if (errno == EINTR || errno == ECONNREFUSED)
          continue;  // ECONNREFUSED: nothing listens yet; the client may retry
        return;
      }
      last_ms = monotonic_ms();
      ::sendto(relay->l_.fd.get(), g_buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr *>(&client),
               client_len);
    }
  }
};

UdpRelay::UdpRelay(ForwardContext &ctx, Listener &l) : ctx_(ctx), l_(l) { ctx_.udp.push_back(this); }

UdpRelay::~UdpRelay() = default;

void UdpRelay::on_event(uint32_t) {
  for (;;) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(l_.fd.get(), g_buf, sizeof g_buf, 0, reinterpret_cast<sockaddr *>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    Flow *flow = nullptr;
    for (auto &f : flows_)
      if (f->client_len == from_len && ::memcmp(&f->client, &from, from_len) == 0)
        flow = f.get();
    if (!flow) {
      in_addr addr;
      if (!ctx_.container_address(addr))
        continue;
      auto f = std::make_unique<Flow>();
      f->relay = this;
      f->client = from;
      f->client_len = from_len;
      // Made after setns: in the container's namespace.
      f->sock.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_addr = addr;
      sa.sin_port = htons(l_.request.container_port);
      if (!f->sock || ::connect(f->sock.get(), reinterpret_cast<sockaddr *>(&sa), sizeof sa) < 0)
        continue;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = static_cast<EventHandler *>(f.get());
      if (::epoll_ctl(ctx_.epfd, EPOLL_CTL_ADD, f->sock.get(), &ev) < 0)
        continue;
      flow = f.get();
      flows_.push_back(std::move(f));
    }
    flow->last_ms = monotonic_ms();
    ::send(flow->sock.get(), g_buf, static_cast<size_t>(n), 0);
  }
}

void UdpRelay::sweep(int64_t now_ms) {
  // Flows are only dropped here, between batches of events, so no pending
  // event names a freed one.
  std::erase_if(flows_, [&](const std::unique_ptr<Flow> &f) { return now_ms - f->last_ms >= kUdpIdleMs; });
}

} // namespace skiff::network::detail
