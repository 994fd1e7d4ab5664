// The host's routes as prefixes, for choosing a network's subnet where
// the host does not already route (moby checks its pools the same way).
#pragma once

#include <string_view>
#include <vector>

#include "skiff/network/ipam.hpp"

namespace skiff::network {

// The destinations of /proc/net/route's lines (little-endian hex as the
// kernel prints them); the default route is left out.
std::vector<Cidr> parse_route_table(std::string_view text);
// The same for /proc/net/ipv6_route; default, loopback, link-local and
// multicast routes are left out.
std::vector<Cidr> parse_ipv6_route_table(std::string_view text);
// Both files of this process's network namespace; unreadable ones give none.
std::vector<Cidr> host_routes();

} // namespace skiff::network
