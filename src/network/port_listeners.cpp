// The host side of published ports, bound by the supervisor before it
// clones the container, so that a port in use fails the start before
// anything runs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "skiff/network/ports.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::network {

namespace {

constexpr std::string_view kPrefix = "driver failed programming external connectivity on endpoint ";

bool is_v6(const std::string &ip) { return ip.find(':') != std::string::npos; }

// Binds (and for TCP listens on) ip:port; errno on failure.
Result<UniqueFd> bind_one(const std::string &proto, const std::string &ip, uint16_t port) {
  bool v6 = is_v6(ip);
  int type = proto == "udp" ? SOCK_DGRAM : SOCK_STREAM;
  UniqueFd s(::socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!s)
    return sys_error("socket");
  int one = 1;
  // As Go's net.Listen: a port whose last connections linger in TIME_WAIT
  // can be bound again. (Not for UDP, where it would share the port.)
  if (type == SOCK_STREAM)
    ::setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len;
  if (v6) {
    ::setsockopt(s.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    auto *a = reinterpret_cast<sockaddr_in6 *>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (::inet_pton(AF_INET6, ip.c_str(), &a->sin6_addr) != 1)
      return make_error(Errc::invalid, "invalid IP address: {}", ip);
    len = sizeof *a;
  } else {
    auto *a = reinterpret_cast<sockaddr_in *>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (::inet_pton(AF_INET, ip.c_str(), &a->sin_addr) != 1)
      return make_error(Errc::invalid, "invalid IP address: {}", ip);
    len = sizeof *a;
  }
  if (::bind(s.get(), reinterpret_cast<sockaddr *>(&ss), len) < 0)
    return sys_error("bind");
  if (type == SOCK_STREAM && ::listen(s.get(), SOMAXCONN) < 0)
    return sys_error("listen");
  return s;
}

uint16_t bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len);
  if (ss.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
}

// Whether the host has IPv6 at all (a kernel booted without it, or
// disabled): then "all addresses" is 0.0.0.0 alone, as Docker binds.
bool host_has_ipv6() {
  UniqueFd s(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s)
    return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_any;
  return ::bind(s.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
}

int unprivileged_port_start() {
  auto text = fs::read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start");
  auto v = text ? str::to_int(str::trim(*text)) : std::nullopt;
  return v ? static_cast<int>(*v) : 1024;
}

// Why ip:port could not be bound, in the words Docker (or, rootless,
// rootlesskit) uses.
std::string bind_failure(const PortRequest &r, const std::string &ip, uint16_t port, int err) {
  if (err == EADDRINUSE)
    return fmt::format("Bind for {}:{} failed: port is already allocated", ip, port);
  if (err == EACCES && port < unprivileged_port_start()) {
    int start = unprivileged_port_start();
    return fmt::format("cannot expose privileged port {}, you can add 'net.ipv4.ip_unprivileged_port_start={}' "
                       "to /etc/sysctl.conf (currently {}), or choose a larger port number (>= {})",
                       port, port, start, start);
  }
  return fmt::format("Error starting userland proxy: listen {}{} {}: bind: {}", r.proto, is_v6(ip) ? "6" : "4",
                     is_v6(ip) ? fmt::format("[{}]:{}", ip, port) : fmt::format("{}:{}", ip, port),
                     go_strerror(err));
}

// Binds `r` on every one of `ips` at one port: the first free one of its
// range, or one the kernel picks (the first address's, tried again on the
// others until one is free on all).
Result<std::vector<Listener>> bind_request(const PortRequest &r, const std::vector<std::string> &ips) {
  auto try_port = [&](uint16_t port, int &err, std::string &failed_ip) -> std::vector<Listener> {
    std::vector<Listener> got;
    for (const auto &ip : ips) {
      auto fd = bind_one(r.proto, ip, port);
      if (!fd) {
        err = fd.error().sys_errno;
        failed_ip = ip;
        return {};
      }
      if (port == 0)
        port = bound_port(fd->get());
      got.push_back({r, ip, port, std::move(*fd)});
    }
    return got;
  };
  int err = 0;
  std::string failed_ip;
  if (r.host_first == 0) {
    for (int attempt = 0; attempt < 16; attempt++) {
      auto got = try_port(0, err, failed_ip);
      if (!got.empty())
        return got;
      if (err != EADDRINUSE)
        break;
    }
    return make_error(Errc::conflict, "{}", bind_failure(r, failed_ip, 0, err));
  }
  for (unsigned p = r.host_first; p <= std::max(r.host_first, r.host_last); p++) {
    auto got = try_port(static_cast<uint16_t>(p), err, failed_ip);
    if (!got.empty())
      return got;
    if (err != EADDRINUSE)
      return make_error(Errc::conflict, "{}", bind_failure(r, failed_ip, static_cast<uint16_t>(p), err));
  }
  if (r.host_last > r.host_first)
    return make_error(Errc::conflict, "Bind for {}:{}-{} failed: port is already allocated", failed_ip,
                      r.host_first, r.host_last);
  return make_error(Errc::conflict, "{}", bind_failure(r, failed_ip, r.host_first, err));
}

} // namespace

Result<std::vector<Listener>> bind_ports(const std::vector<PortRequest> &requests, const std::string &endpoint) {
  std::vector<Listener> all;
  bool ipv6 = false, checked = false;
  for (const auto &r : requests) {
    std::vector<std::string> ips{r.host_ip};
    if (r.host_ip.empty()) {
      if (!checked)
        ipv6 = host_has_ipv6(), checked = true;
      ips = ipv6 ? std::vector<std::string>{"0.0.0.0", "::"} : std::vector<std::string>{"0.0.0.0"};
    }
    auto got = bind_request(r, ips);
    if (!got)
      return std::move(got).error().wrap(fmt::format("{}{}", kPrefix, endpoint));
    for (auto &l : *got)
      all.push_back(std::move(l));
  }
  return all;
}

bool is_publish_failure(std::string_view message) { return message.starts_with(kPrefix); }

} // namespace skiff::network
