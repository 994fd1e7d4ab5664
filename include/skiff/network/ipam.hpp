// IP address management, pure: addresses and CIDR prefixes (IPv4 and
// IPv6), Docker's default address pools, the subnets a `network create`
// asks for checked and completed as Docker does (docker/cli's
// createIPAMConfig, then moby's IPAM), and the next free address of a
// subnet. No syscalls: host_routes.hpp reads what the host has.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::network {

struct IpAddr {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first four

  int bits() const { return v6 ? 128 : 32; }
  auto operator<=>(const IpAddr &) const = default;
};

// Dotted quad or RFC 4291 text (an IPv4-mapped "::ffff:a.b.c.d" stays IPv6).
std::optional<IpAddr> parse_ip(std::string_view s);
// Dotted quad, or RFC 5952 (lowercase, longest zero run as "::"), as Go prints.
std::string format_ip(const IpAddr &a);

struct Cidr {
  IpAddr addr;  // as written: Docker keeps "10.0.0.5/24" as given
  int prefix = 0;

  auto operator<=>(const Cidr &) const = default;
};

std::optional<Cidr> parse_cidr(std::string_view s);
std::string format_cidr(const Cidr &c);
// The prefix with its host bits cleared ("10.0.0.5/24" -> "10.0.0.0/24").
Cidr network_of(const Cidr &c);
bool contains(const Cidr &c, const IpAddr &a);
// One contains the other's first address (prefixes nest or are disjoint).
bool overlaps(const Cidr &a, const Cidr &b);
// The network address plus `n` (n = 1: the first host address).
IpAddr nth_address(const Cidr &c, uint64_t n);
// The last address of the prefix (IPv4's broadcast address).
IpAddr last_address(const Cidr &c);

// moby's local default pools (ipamutils): 172.17.0.0/16 ... 172.31.0.0/16,
// then 192.168.0.0/16 in /20 steps.
std::vector<Cidr> default_pools_v4();
// The first default pool that overlaps nothing in `taken` (the networks'
// subnets and the host's routes); moby's words when none is left.
Result<Cidr> choose_subnet(const std::vector<Cidr> &taken);

// One subnet of a network, as it is recorded.
struct SubnetPlan {
  Cidr subnet;
  IpAddr gateway;               // given, else the first host address
  std::optional<Cidr> ip_range; // where containers' addresses come from
  bool user_subnet = false;     // --subnet gave it (else a default pool)
  bool user_gateway = false;    // --gateway gave it
};

struct IpamRequest {
  std::vector<std::string> subnets, gateways, ip_ranges;  // as typed
  bool ipv6 = false;
};

// What `network create` gets: the request checked with docker/cli's and
// moby's words ("no matching subnet for gateway X", "Pool overlaps with
// other one on this address space", ...), a default pool chosen when no
// IPv4 subnet is given, gateways filled in. IPv4 first, then IPv6.
// `networks` are the subnets other networks hold; `routes` the host's.
Result<std::vector<SubnetPlan>> plan_subnets(const IpamRequest &r, const std::vector<Cidr> &networks,
                                             const std::vector<Cidr> &routes);

// The lowest address of `ip_range` (else the subnet) that is no network
// or (IPv4) broadcast address, not the gateway and not `taken`.
std::optional<IpAddr> next_free_ip(const Cidr &subnet, const std::optional<Cidr> &ip_range, const IpAddr &gateway,
                                   const std::vector<IpAddr> &taken);

// Whether a container may have `ip` (--ip, --ip6) on a network with
// `subnets` (of the same family as `ip`): moby's rules and words. Only a
// user-defined network (`user_defined`) whose subnet was given by the user
// takes one; it must lie in a subnet and not be the network, broadcast or
// gateway address or `taken`.
Status check_static_ip(const IpAddr &ip, const std::vector<SubnetPlan> &subnets, bool user_defined,
                       const std::vector<IpAddr> &taken);

// Docker's MAC for an IPv4 address: 02:42 and the address's four bytes.
std::string mac_for(const IpAddr &ipv4);

} // namespace skiff::network
