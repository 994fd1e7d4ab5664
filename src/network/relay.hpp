// Internal to the port forwarder: its epoll loop's handlers and what they
// share. One process per container; single-threaded.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "skiff/network/ports.hpp"

namespace skiff::network::detail {

struct EventHandler {
  virtual ~EventHandler() = default;
  virtual void on_event(uint32_t events) = 0;
};

class UdpRelay;

struct ForwardContext {
  int epfd = -1;
  // Connections and flows, owned here; one that ends is moved to
  // `retired`, freed once the events of the current batch are handled
  // (a later event of the batch may still name it).
  std::unordered_map<EventHandler *, std::unique_ptr<EventHandler>> live;
  std::vector<std::unique_ptr<EventHandler>> retired;
  std::vector<UdpRelay *> udp;  // swept for idle flows

  void adopt(std::unique_ptr<EventHandler> h);
  void retire(EventHandler *h);
  // The container's first non-loopback IPv4 address, looked up (inside its
  // namespace) until found.
  bool container_address(in_addr &out);

private:
  bool have_address_ = false;
  in_addr address_{};
};

// A listening TCP socket's handler: each connection accepted is relayed
// to the container with splice (tcp_relay.cpp).
std::unique_ptr<EventHandler> tcp_listener(ForwardContext &ctx, Listener &l);

// A UDP socket's handler: one socket in the container per client address,
// forgotten after kUdpIdle without traffic (udp_relay.cpp).
class UdpRelay : public EventHandler {
public:
  static constexpr int64_t kUdpIdleMs = 90'000;  // docker-proxy's UDPConnTrackTimeout
  UdpRelay(ForwardContext &ctx, Listener &l);
  ~UdpRelay() override;
  void on_event(uint32_t events) override;
  // Closes the flows idle since before `now_ms - kUdpIdleMs`.
  void sweep(int64_t now_ms);
  bool has_flows() const { return !flows_.empty(); }
  struct Flow;

private:
  friend struct Flow;
  ForwardContext &ctx_;
  Listener &l_;
  std::vector<std::unique_ptr<Flow>> flows_;
};

int64_t monotonic_ms();

} // namespace skiff::network::detail
