#include <catch2/catch.hpp>

#include "skiff/network/host_routes.hpp"
#include "skiff/network/ipam.hpp"

using namespace skiff;
using namespace skiff::network;

namespace {

Cidr cidr(const char *s) {
  auto c = parse_cidr(s);
  REQUIRE(c);
  return *c;
}

IpAddr ip(const char *s) {
  auto a = parse_ip(s);
  REQUIRE(a);
  return *a;
}

std::string plan_error(const IpamRequest &r, const std::vector<Cidr> &nets = {}) {
  auto p = plan_subnets(r, nets, {});
  REQUIRE_FALSE(p);
  return p.error().message;
}

} // namespace

TEST_CASE("ipam: addresses and prefixes parse and print as Go's net does", "[ipam]") {
  CHECK(format_ip(ip("10.0.0.1")) == "10.0.0.1");
  CHECK(format_ip(ip("FD00:0:0::1")) == "fd00::1");
  CHECK(format_ip(ip("2001:db8:0:0:1:0:0:1")) == "2001:db8::1:0:0:1");
  CHECK_FALSE(parse_ip("10.0.0.256"));
  CHECK_FALSE(parse_ip("10.0.0"));
  CHECK_FALSE(parse_ip("fe80::1%eth0"));
  CHECK(format_cidr(cidr("10.97.0.5/24")) == "10.97.0.5/24");  // kept as written
  CHECK(format_cidr(network_of(cidr("10.97.0.5/24"))) == "10.97.0.0/24");
  CHECK(format_cidr(network_of(cidr("fd00:1:2:3::7/48"))) == "fd00:1:2::/48");
  for (const char *bad : {"10.0.0.0/33", "10.0.0.0", "10.0.0.0/", "10.0.0.0/x", "fd00::/129", "10.0.0.0/08", "x/8"})
    CHECK_FALSE(parse_cidr(bad));
  CHECK(format_ip(nth_address(cidr("10.1.2.0/23"), 300)) == "10.1.3.44");
  CHECK(format_ip(last_address(cidr("10.1.2.0/23"))) == "10.1.3.255");
  CHECK(format_ip(nth_address(cidr("fd00::/64"), 1)) == "fd00::1");
}

TEST_CASE("ipam: overlap between prefixes of any size", "[ipam]") {
  CHECK(overlaps(cidr("10.0.0.0/8"), cidr("10.99.0.0/24")));
  CHECK(overlaps(cidr("10.99.0.0/25"), cidr("10.99.0.0/24")));
  CHECK_FALSE(overlaps(cidr("10.99.0.0/25"), cidr("10.99.0.128/25")));
  CHECK_FALSE(overlaps(cidr("10.0.0.0/8"), cidr("fd00::/8")));
  CHECK(overlaps(cidr("fd00::/8"), cidr("fd00:1::/64")));
  CHECK(contains(cidr("172.18.0.0/16"), ip("172.18.255.255")));
  CHECK_FALSE(contains(cidr("172.18.0.0/16"), ip("172.19.0.0")));
}

TEST_CASE("ipam: default pools in moby's order, skipping what is taken", "[ipam]") {
  auto pools = default_pools_v4();
  REQUIRE(pools.size() == 15 + 16);
  CHECK(format_cidr(pools.front()) == "172.17.0.0/16");
  CHECK(format_cidr(pools[14]) == "172.31.0.0/16");
  CHECK(format_cidr(pools[15]) == "192.168.0.0/20");
  CHECK(format_cidr(pools.back()) == "192.168.240.0/20");
  CHECK(format_cidr(*choose_subnet({})) == "172.17.0.0/16");
  // A host route (docker0's 172.17.0.0/16) and a network's subnet inside a pool.
  CHECK(format_cidr(*choose_subnet({cidr("172.17.0.0/16"), cidr("172.18.5.0/24")})) == "172.19.0.0/16");
  // A route covering every 172 pool.
  CHECK(format_cidr(*choose_subnet({cidr("172.16.0.0/12"), cidr("192.168.0.0/24")})) == "192.168.16.0/20");
  auto none = choose_subnet({cidr("172.16.0.0/12"), cidr("192.168.0.0/16")});
  REQUIRE_FALSE(none);
  CHECK(none.error().message ==
        "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
}

TEST_CASE("ipam: a create's subnets checked and completed with Docker's words", "[ipam]") {
  auto auto_only = plan_subnets({}, {cidr("172.17.0.0/16")}, {cidr("172.18.0.0/16")});
  REQUIRE(auto_only);
  REQUIRE(auto_only->size() == 1);
  CHECK(format_cidr((*auto_only)[0].subnet) == "172.19.0.0/16");
  CHECK(format_ip((*auto_only)[0].gateway) == "172.19.0.1");
  CHECK_FALSE((*auto_only)[0].user_subnet);

  IpamRequest full{{"fd00:1::/64", "10.95.0.0/24"}, {"10.95.0.254"}, {"10.95.0.128/25"}, true};
  auto p = plan_subnets(full, {}, {});
  REQUIRE(p);
  REQUIRE(p->size() == 2);
  CHECK(format_cidr((*p)[0].subnet) == "10.95.0.0/24");  // IPv4 first
  CHECK(format_ip((*p)[0].gateway) == "10.95.0.254");
  CHECK((*p)[0].user_gateway);
  CHECK(format_cidr(*(*p)[0].ip_range) == "10.95.0.128/25");
  CHECK(format_ip((*p)[1].gateway) == "fd00:1::1");
  CHECK_FALSE((*p)[1].user_gateway);

  // Only an IPv6 subnet: IPv4 still comes from the pools.
  auto v6 = plan_subnets({{"fd00:2::/64"}, {}, {}, false}, {}, {});
  REQUIRE(v6);
  REQUIRE(v6->size() == 2);
  CHECK(format_cidr((*v6)[0].subnet) == "172.17.0.0/16");

  CHECK(plan_error({{"10.99.0.0/24"}, {"10.98.0.1"}, {}}) == "no matching subnet for gateway 10.98.0.1");
  CHECK(plan_error({{"10.99.0.0/24"}, {"x"}, {}}) == "no matching subnet for gateway x");
  CHECK(plan_error({{"10.97.0.0/24"}, {}, {"10.96.0.0/28"}}) == "no matching subnet for range 10.96.0.0/28");
  CHECK(plan_error({{"10.97.0.0/24"}, {}, {"x"}}) == "invalid CIDR address: x");
  CHECK(plan_error({{}, {"10.97.0.1"}, {}}) == "every ip-range or gateway must have a corresponding subnet");
  CHECK(plan_error({{"10.97.0.0/24"}, {}, {"10.97.0.0/28", "10.97.0.16/28"}}) ==
        "every ip-range or gateway must have a corresponding subnet");
  CHECK(plan_error({{"10.97.0.300/24"}, {}, {}}) == "Invalid subnet 10.97.0.300/24 : invalid CIDR address: 10.97.0.300/24");
  CHECK(plan_error({{"10.93.0.0/24", "10.93.0.0/25"}, {}, {}}) ==
        "multiple overlapping subnet configuration is not supported");
  CHECK(plan_error({{"10.93.0.0/24"}, {"10.93.0.0"}, {}}) == "failed to allocate gateway (10.93.0.0): Address already in use");
  CHECK(plan_error({{"10.93.0.0/24"}, {"10.93.0.255"}, {}}) ==
        "failed to allocate gateway (10.93.0.255): Address already in use");
  CHECK(plan_error({{"172.17.5.0/24"}, {}, {}}, {cidr("172.17.0.0/16")}) ==
        "Pool overlaps with other one on this address space");
  CHECK(plan_error({{}, {}, {}, true}) ==
        "could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network");
  // A host route does not stop a subnet the user asks for, as in Docker.
  CHECK(plan_subnets({{"172.17.5.0/24"}, {}, {}}, {}, {cidr("172.17.0.0/16")}));
}

TEST_CASE("ipam: next free address skips reserved, gateway and taken ones", "[ipam]") {
  auto sub = cidr("10.99.0.0/24");
  auto gw = ip("10.99.0.1");
  CHECK(format_ip(*next_free_ip(sub, {}, gw, {})) == "10.99.0.2");
  CHECK(format_ip(*next_free_ip(sub, {}, gw, {ip("10.99.0.2"), ip("10.99.0.3")})) == "10.99.0.4");
  // A gap left by a container that went is used again.
  CHECK(format_ip(*next_free_ip(sub, {}, gw, {ip("10.99.0.3")})) == "10.99.0.2");
  CHECK(format_ip(*next_free_ip(sub, cidr("10.99.0.128/25"), gw, {})) == "10.99.0.128");
  CHECK(format_ip(*next_free_ip(sub, cidr("10.99.0.0/25"), ip("10.99.0.254"), {})) == "10.99.0.1");
  // /30: .1 gateway, .2 the only host address, .3 broadcast.
  auto tiny = cidr("10.93.0.0/30");
  CHECK(format_ip(*next_free_ip(tiny, {}, ip("10.93.0.1"), {})) == "10.93.0.2");
  CHECK_FALSE(next_free_ip(tiny, {}, ip("10.93.0.1"), {ip("10.93.0.2")}));
  // A range wider than its subnet gives out the subnet.
  CHECK(format_ip(*next_free_ip(cidr("10.93.0.0/24"), cidr("10.93.0.0/16"), ip("10.93.0.1"), {})) == "10.93.0.2");
  // IPv6: no broadcast; the /64 is not walked.
  CHECK(format_ip(*next_free_ip(cidr("fd00:1::/64"), {}, ip("fd00:1::1"), {ip("fd00:1::2")})) == "fd00:1::3");
}

TEST_CASE("ipam: a requested address as moby allows it", "[ipam]") {
  SubnetPlan user{cidr("10.99.0.0/24"), ip("10.99.0.1"), {}, true, false};
  SubnetPlan pooled{cidr("172.18.0.0/16"), ip("172.18.0.1"), {}, false, false};
  CHECK(check_static_ip(ip("10.99.0.5"), {user}, true, {}));
  auto msg = [](Status s) { return s ? std::string() : s.error().message; };
  CHECK(msg(check_static_ip(ip("172.17.0.5"), {pooled}, false, {})) ==
        "user specified IP address is supported on user defined networks only");
  CHECK(msg(check_static_ip(ip("172.18.0.5"), {pooled}, true, {})) ==
        "user specified IP address is supported only when connecting to networks with user configured subnets");
  CHECK(msg(check_static_ip(ip("10.1.0.5"), {user}, true, {})) ==
        "Invalid address 10.1.0.5: It does not belong to any of this network's subnets");
  for (const char *used : {"10.99.0.0", "10.99.0.1", "10.99.0.255", "10.99.0.7"})
    CHECK(msg(check_static_ip(ip(used), {user}, true, {ip("10.99.0.7")})) == "Address already in use");
  // Outside the ip-range but inside the subnet is allowed, as in Docker.
  SubnetPlan ranged{cidr("10.95.0.0/24"), ip("10.95.0.1"), cidr("10.95.0.128/25"), true, false};
  CHECK(check_static_ip(ip("10.95.0.5"), {ranged}, true, {}));
}

TEST_CASE("ipam: MAC addresses as Docker derives them", "[ipam]") {
  CHECK(mac_for(ip("10.99.0.5")) == "02:42:0a:63:00:05");
  CHECK(mac_for(ip("172.18.255.254")) == "02:42:ac:12:ff:fe");
}

TEST_CASE("ipam: the host's route tables", "[ipam]") {
  const char *v4 =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
      "eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
      "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
  auto r = parse_route_table(v4);
  REQUIRE(r.size() == 2);
  CHECK(format_cidr(r[0]) == "192.168.0.0/24");
  CHECK(format_cidr(r[1]) == "172.17.0.0/16");
  const char *v6 =
      "fd000001000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 "
      "00000100 00000001 00000000 00000001     eth0\n"
      "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 "
      "00000100 00000001 00000000 00000001     eth0\n"
      "00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 "
      "00000000 00000003 00000000 80200001       lo\n"
      "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 "
      "00000400 00000001 00000000 00200200       lo\n";
  auto r6 = parse_ipv6_route_table(v6);
  REQUIRE(r6.size() == 1);
  CHECK(format_cidr(r6[0]) == "fd00:1::/64");
}
