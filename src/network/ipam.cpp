#include "skiff/network/ipam.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include <fmt/format.h>

namespace skiff::network {

std::optional<IpAddr> parse_ip(std::string_view s) {
  // inet_pton takes exactly Go's forms for both families (no zone, no
  // shortened quads), and needs a terminated string.
  std::string text(s);
  IpAddr a;
  if (text.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) != 1)
      return std::nullopt;
    return a;
  }
  a.v6 = true;
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) != 1)
    return std::nullopt;
  return a;
}

std::string format_ip(const IpAddr &a) {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf))
    return {};
  return buf;
}

std::optional<Cidr> parse_cidr(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos)
    return std::nullopt;
  auto ip = parse_ip(s.substr(0, slash));
  auto len = s.substr(slash + 1);
  if (!ip || len.empty() || len.size() > 3 || !std::all_of(len.begin(), len.end(), ::isdigit))
    return std::nullopt;
  int prefix = std::stoi(std::string(len));
  if (prefix > ip->bits() || (len.size() > 1 && len[0] == '0'))
    return std::nullopt;
  return Cidr{*ip, prefix};
}

std::string format_cidr(const Cidr &c) { return fmt::format("{}/{}", format_ip(c.addr), c.prefix); }

// Keeps the first `prefix` bits of `a`; the rest become `fill` bits.
static IpAddr with_host_bits(const IpAddr &a, int prefix, bool fill) {
  IpAddr out = a;
  for (int i = 0; i < a.bits() / 8; i++) {
    int keep = std::clamp(prefix - i * 8, 0, 8);
    uint8_t mask = keep == 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
    out.bytes[i] = static_cast<uint8_t>(fill ? (a.bytes[i] | ~mask) : (a.bytes[i] & mask));
  }
  return out;
}

Cidr network_of(const Cidr &c) { return {with_host_bits(c.addr, c.prefix, false), c.prefix}; }

bool contains(const Cidr &c, const IpAddr &a) {
  return a.v6 == c.addr.v6 && with_host_bits(a, c.prefix, false) == network_of(c).addr;
}

bool overlaps(const Cidr &a, const Cidr &b) {
  return contains(a, network_of(b).addr) || contains(b, network_of(a).addr);
}

IpAddr nth_address(const Cidr &c, uint64_t n) {
  IpAddr out = network_of(c).addr;
  unsigned carry = 0;
  for (int i = out.bits() / 8 - 1; i >= 0; i--) {
    unsigned sum = out.bytes[i] + static_cast<unsigned>(n & 0xff) + carry;
    out.bytes[i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
    n >>= 8;
  }
  return out;
}

IpAddr last_address(const Cidr &c) { return with_host_bits(c.addr, c.prefix, true); }

std::vector<Cidr> default_pools_v4() {
  std::vector<Cidr> out;
  for (int b = 17; b <= 31; b++)
    out.push_back(*parse_cidr(fmt::format("172.{}.0.0/16", b)));
  for (int c = 0; c < 256; c += 16)
    out.push_back(*parse_cidr(fmt::format("192.168.{}.0/20", c)));
  return out;
}

Result<Cidr> choose_subnet(const std::vector<Cidr> &taken) {
  for (const auto &pool : default_pools_v4())
    if (std::none_of(taken.begin(), taken.end(), [&](const Cidr &t) { return overlaps(pool, t); }))
      return pool;
  return make_error(Errc::conflict,
                    "could not find an available, non-overlapping IPv4 address pool among the defaults to assign "
                    "to the network");
}

// The request as docker/cli's createIPAMConfig groups it: each range and
// gateway goes to the subnet holding its address.
static Result<std::vector<SubnetPlan>> group_request(const IpamRequest &r) {
  if (r.subnets.size() < r.ip_ranges.size() || r.subnets.size() < r.gateways.size())
    return make_error(Errc::invalid, "every ip-range or gateway must have a corresponding subnet");
  std::vector<SubnetPlan> plans;
  for (const auto &s : r.subnets) {
    auto c = parse_cidr(s);
    if (!c)
      return make_error(Errc::invalid, "Invalid subnet {0} : invalid CIDR address: {0}", s);
    for (const auto &p : plans)
      if (overlaps(p.subnet, *c))
        return make_error(Errc::invalid, "multiple overlapping subnet configuration is not supported");
    SubnetPlan p;
    p.subnet = *c;
    p.user_subnet = true;
    plans.push_back(p);
  }
  for (const auto &s : r.ip_ranges) {
    auto range = parse_cidr(s);
    if (!range)
      return make_error(Errc::invalid, "invalid CIDR address: {}", s);
    bool matched = false;
    for (auto &p : plans) {
      if (!contains(p.subnet, range->addr))
        continue;
      if (p.ip_range)
        return make_error(Errc::invalid, "cannot configure multiple ranges ({}, {}) on the same subnet ({})", s,
                          format_cidr(*p.ip_range), format_cidr(p.subnet));
      p.ip_range = range;
      matched = true;
    }
    if (!matched)
      return make_error(Errc::invalid, "no matching subnet for range {}", s);
  }
  for (const auto &s : r.gateways) {
    auto gw = parse_ip(s);
    bool matched = false;
    for (auto &p : plans) {
      if (!gw || !contains(p.subnet, *gw))
        continue;
      if (p.user_gateway)
        return make_error(Errc::invalid, "cannot configure multiple gateways ({}, {}) for the same subnet ({})", s,
                          format_ip(p.gateway), format_cidr(p.subnet));
      p.gateway = *gw;
      p.user_gateway = true;
      matched = true;
    }
    if (!matched)
      return make_error(Errc::invalid, "no matching subnet for gateway {}", s);
  }
  return plans;
}

// The network and (IPv4) broadcast addresses are never handed out.
static bool reserved(const Cidr &subnet, const IpAddr &a) {
  if (a == network_of(subnet).addr)
    return subnet.prefix < subnet.addr.bits() - 1;
  return !a.v6 && a == last_address(subnet) && subnet.prefix < 31;
}

Result<std::vector<SubnetPlan>> plan_subnets(const IpamRequest &r, const std::vector<Cidr> &networks,
                                             const std::vector<Cidr> &routes) {
  auto plans = TRY(group_request(r));
  for (auto &p : plans) {
    if (!p.subnet.addr.v6)
      for (const auto &n : networks)
        if (overlaps(p.subnet, n))
          return make_error(Errc::conflict, "Pool overlaps with other one on this address space");
    if (!p.user_gateway)
      p.gateway = nth_address(p.subnet, 1);
    else if (reserved(p.subnet, p.gateway))
      return make_error(Errc::conflict, "failed to allocate gateway ({}): Address already in use",
                        format_ip(p.gateway));
  }
  // IPv6 subnets given are checked against the other networks' too.
  for (const auto &p : plans)
    if (p.subnet.addr.v6)
      for (const auto &n : networks)
        if (overlaps(p.subnet, n))
          return make_error(Errc::conflict, "Pool overlaps with other one on this address space");
  bool has_v4 = std::any_of(plans.begin(), plans.end(), [](const SubnetPlan &p) { return !p.subnet.addr.v6; });
  bool has_v6 = std::any_of(plans.begin(), plans.end(), [](const SubnetPlan &p) { return p.subnet.addr.v6; });
  if (r.ipv6 && !has_v6)
    return make_error(Errc::conflict, "could not find an available, non-overlapping IPv6 address pool among the "
                                      "defaults to assign to the network");
  if (!has_v4) {
    std::vector<Cidr> taken = networks;
    taken.insert(taken.end(), routes.begin(), routes.end());
    SubnetPlan p;
    p.subnet = TRY(choose_subnet(taken));
    p.gateway = nth_address(p.subnet, 1);
    plans.push_back(p);
  }
  std::stable_sort(plans.begin(), plans.end(),
                   [](const SubnetPlan &a, const SubnetPlan &b) { return !a.subnet.addr.v6 && b.subnet.addr.v6; });
  return plans;
}

// a + 1, false when it wraps.
static bool increment(IpAddr &a) {
  for (int i = a.bits() / 8 - 1; i >= 0; i--)
    if (++a.bytes[i] != 0)
      return true;
  return false;
}

std::optional<IpAddr> next_free_ip(const Cidr &subnet, const std::optional<Cidr> &ip_range, const IpAddr &gateway,
                                   const std::vector<IpAddr> &taken) {
  // A range wider than its subnet (Docker takes one) gives out the subnet.
  Cidr pool = ip_range && ip_range->prefix >= subnet.prefix ? *ip_range : subnet;
  IpAddr a = network_of(pool).addr, last = last_address(pool);
  // Every address skipped is reserved, the gateway or taken: the loop
  // ends within taken.size() + 3 steps of the first free one.
  while (true) {
    bool used = reserved(subnet, a) || a == gateway || std::find(taken.begin(), taken.end(), a) != taken.end();
    if (!used && contains(subnet, a))
      return a;
    if (a == last || !increment(a))
      return std::nullopt;
  }
}

Status check_static_ip(const IpAddr &ip, const std::vector<SubnetPlan> &subnets, bool user_defined,
                       const std::vector<IpAddr> &taken) {
  if (!user_defined)
    return make_error(Errc::invalid, "user specified IP address is supported on user defined networks only");
  const SubnetPlan *in = nullptr;
  bool user_subnet = false;
  for (const auto &p : subnets) {
    if (p.subnet.addr.v6 != ip.v6)
      continue;
    user_subnet = user_subnet || p.user_subnet;
    if (contains(p.subnet, ip))
      in = &p;
  }
  if (!user_subnet)
    return make_error(Errc::invalid, "user specified IP address is supported only when connecting to networks "
                                     "with user configured subnets");
  if (!in)
    return make_error(Errc::invalid, "Invalid address {}: It does not belong to any of this network's subnets",
                      format_ip(ip));
  if (reserved(in->subnet, ip) || ip == in->gateway || std::find(taken.begin(), taken.end(), ip) != taken.end())
    return make_error(Errc::conflict, "Address already in use");
  return {};
}

std::string mac_for(const IpAddr &ipv4) {
  const auto &b = ipv4.bytes;
  return fmt::format("02:42:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3]);
}

} // namespace skiff::network
