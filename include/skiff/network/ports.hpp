// Published ports: what the engine asks to be bound on the host
// (PortRequest, part of the launch plan), the host listeners the
// supervisor binds before it clones the container, and the forwarder that
// holds them and relays each connection (TCP, with splice) or datagram
// flow (UDP) to the container's address from inside its network
// namespace, as docker-proxy and rootlesskit's builtin driver do.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::network {

// One host side of one container port.
struct PortRequest {
  std::string port;        // "80/tcp", as recorded
  std::string proto;       // "tcp" or "udp"
  uint16_t container_port = 0;
  std::string host_ip;     // "": all addresses, 0.0.0.0 and :: (where the host has IPv6)
  uint16_t host_first = 0; // 0: an ephemeral port the kernel picks
  uint16_t host_last = 0;  // above host_first: the first free port of the range
  bool operator==(const PortRequest &) const = default;
};

// A bound host socket: listening (tcp) or receiving (udp).
struct Listener {
  PortRequest request;
  std::string host_ip;  // the address bound: "0.0.0.0", "::", "127.0.0.1"
  uint16_t host_port = 0;
  UniqueFd fd;
};

// Binds every request, in order (an "all addresses" one on 0.0.0.0 and
// :: at the same port). Docker's words for a port in use ("Bind for
// 0.0.0.0:8080 failed: port is already allocated"); a port below
// net.ipv4.ip_unprivileged_port_start without the privilege names that
// sysctl. `endpoint` ("NAME (ID)") goes in front as moby puts it.
Result<std::vector<Listener>> bind_ports(const std::vector<PortRequest> &requests, const std::string &endpoint);

// Whether a start failed on its published ports (the message bind_ports
// makes): `run` then leaves no container behind.
bool is_publish_failure(std::string_view message);

// The forwarder process of one container: it holds the listeners, joins
// the container's network namespace and relays to the container's first
// non-loopback IPv4 address. It dies with its parent (PR_SET_PDEATHSIG)
// and when stop() closes its pipe.
class PortForwarder {
public:
  PortForwarder() = default;
  // Forks it; `netns` is an fd of the container's network namespace.
  // Returns once it runs inside the namespace, or why it could not.
  static Result<PortForwarder> start(std::vector<Listener> listeners, int netns, const std::string &name);
  // Stops it; returns its PID for the caller to reap, or 0.
  pid_t stop();

private:
  pid_t pid_ = 0;
  UniqueFd exit_;
};

namespace detail {
// The forwarder's loop (port_forwarder.cpp): returns when `exit_fd` reads
// EOF.
void run_forwarder(std::vector<Listener> &listeners, int exit_fd);
} // namespace detail

} // namespace skiff::network
