// Leases: addresses given to containers on a network, under a lock, with
// what dead processes left dropped.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "scratch.hpp"
#include "skiff/engine/network_leases.hpp"
#include "skiff/network/host_routes.hpp"
#include "skiff/storage/network_store.hpp"
#include "skiff/util/digest.hpp"

using namespace skiff;
using namespace skiff::engine;

namespace {

storage::Store open_store(const test::TempDir &d) {
  auto s = storage::Store::open(d.path + "/root", d.path + "/run", storage::DriverKind::vfs);
  REQUIRE(s);
  return std::move(*s);
}

storage::NetworkRecord user_network(const storage::Store &s, const std::string &name, const std::string &subnet,
                                    const std::string &gateway) {
  storage::NetworkRecord n;
  n.id = sha256_hex(name);
  n.name = name;
  n.created = 1;
  n.driver = "bridge";
  n.subnets = {{subnet, gateway, "", true, false}};
  n.bridge = "br-" + n.id.substr(0, 12);
  REQUIRE(storage::NetworkStore(s.root()).write(n));
  return n;
}

std::string leases_dir(const storage::Store &s, const storage::NetworkRecord &n) {
  return s.runroot() + "/networks/" + n.id;
}

} // namespace

TEST_CASE("leases: one address per network, names table rewritten, released at exit", "[network_leases]") {
  test::TempDir d;
  auto s = open_store(d);
  auto n = user_network(s, "web", "10.99.0.0/24", "10.99.0.1");
  auto a = allocate_endpoints(s, sha256_hex("a"), "a", {{"web", "", "", "", {"db", "cache"}}});
  REQUIRE(a);
  REQUIRE(a->size() == 1);
  const auto &e = (*a)[0];
  CHECK(e.network_id == n.id);
  CHECK(e.bridge == n.bridge);
  CHECK(e.ip == "10.99.0.2");
  CHECK(e.prefix_len == 24);
  CHECK(e.gateway == "10.99.0.1");
  CHECK(e.mac == "02:42:0a:63:00:02");
  CHECK(e.user_defined);
  CHECK(e.mtu == 1500);
  auto b = allocate_endpoints(s, sha256_hex("b"), "b", {{n.id.substr(0, 6), "", "", "", {}}});
  REQUIRE(b);
  CHECK((*b)[0].ip == "10.99.0.3");
  CHECK(*fs::read_file(leases_dir(s, n) + "/names") ==
        "10.99.0.2 a db cache " + sha256_hex("a").substr(0, 12) + "\n10.99.0.3 b " + sha256_hex("b").substr(0, 12) +
            "\n");
  // A requested address: moby's checks.
  auto taken = allocate_endpoints(s, sha256_hex("c"), "c", {{"web", "10.99.0.3", "", "", {}}});
  REQUIRE_FALSE(taken);
  CHECK(taken.error().message == "Address already in use");
  auto c = allocate_endpoints(s, sha256_hex("c"), "c", {{"web", "10.99.0.9", "", "", {}}});
  REQUIRE(c);
  CHECK((*c)[0].ip == "10.99.0.9");
  // A start again keeps the address.
  auto again = allocate_endpoints(s, sha256_hex("a"), "a", {{"web", "", "", "", {}}});
  REQUIRE(again);
  CHECK((*again)[0].ip == "10.99.0.2");
  CHECK((*again)[0].endpoint_id == e.endpoint_id);
  REQUIRE(release_endpoints(s, sha256_hex("a")));
  auto live = live_leases(s, n.id);
  REQUIRE(live);
  CHECK(live->size() == 2);
  CHECK(fs::read_file(leases_dir(s, n) + "/names")->find(" a ") == std::string::npos);
  // The gap is used again.
  auto d2 = allocate_endpoints(s, sha256_hex("d"), "d", {{"web", "", "", "", {}}});
  REQUIRE(d2);
  CHECK((*d2)[0].ip == "10.99.0.2");
}

TEST_CASE("leases: what dead processes left is dropped, running containers kept", "[network_leases]") {
  test::TempDir d;
  auto s = open_store(d);
  auto n = user_network(s, "web", "10.99.0.0/24", "10.99.0.1");
  // A lease whose taker died before the container ran, and one of a
  // container whose state says it runs under a live supervisor (us).
  Lease dead{sha256_hex("dead"), "dead", {}, "10.99.0.2", "", "02:42:0a:63:00:02", sha256_hex("e1"), {test::dead_pid(), 1}};
  Lease running{sha256_hex("run"), "run", {}, "10.99.0.3", "", "02:42:0a:63:00:03", sha256_hex("e2"), {test::dead_pid(), 1}};
  storage::ContainerState st;
  st.status = storage::RunStatus::running;
  st.supervisor_pid = ::getpid();
  st.supervisor_start = sys::process_start_time(::getpid());
  REQUIRE(fs::mkdir_p(s.container_dir(running.container_id)));
  REQUIRE(s.write_state(running.container_id, st));
  REQUIRE(fs::mkdir_p(leases_dir(s, n)));
  REQUIRE(fs::write_file(leases_dir(s, n) + "/leases.json", leases_to_json({dead, running})));
  auto live = live_leases(s, n.id);
  REQUIRE(live);
  REQUIRE(live->size() == 1);
  CHECK((*live)[0].name == "run");
  auto a = allocate_endpoints(s, sha256_hex("a"), "a", {{"web", "", "", "", {}}});
  REQUIRE(a);
  CHECK((*a)[0].ip == "10.99.0.2");  // the dead one's address
  auto text = fs::read_file(leases_dir(s, n) + "/leases.json");
  REQUIRE(text);
  auto back = parse_leases(*text, "leases.json");
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  CHECK((*back)[0].name == "run");
  CHECK((*back)[1].holder.pid == ::getpid());
}

TEST_CASE("leases: a failure takes back what the call took; the default bridge is made", "[network_leases]") {
  test::TempDir d;
  auto s = open_store(d);
  auto n = user_network(s, "tiny", "10.93.0.0/30", "10.93.0.1");
  REQUIRE(allocate_endpoints(s, sha256_hex("a"), "a", {{"tiny", "", "", "", {}}}));
  auto full = allocate_endpoints(s, sha256_hex("b"), "b", {{"bridge", "", "", "", {}}, {"tiny", "", "", "", {}}});
  REQUIRE_FALSE(full);
  CHECK(full.error().message ==
        "no available IPv4 addresses on this network's address pools: tiny (" + n.id + ")");
  auto bridge = find_network(s, "bridge");
  REQUIRE(bridge);
  CHECK(live_leases(s, bridge->id)->empty());
  auto fixed = allocate_endpoints(s, sha256_hex("b"), "b", {{"bridge", "172.17.0.9", "", "", {}}});
  REQUIRE_FALSE(fixed);
  CHECK(fixed.error().message == "user specified IP address is supported on user defined networks only");
  auto missing = allocate_endpoints(s, sha256_hex("b"), "b", {{"nosuch", "", "", "", {}}});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "network nosuch not found");
  auto host = allocate_endpoints(s, sha256_hex("b"), "b", {{"host", "", "", "", {}}});
  REQUIRE_FALSE(host);
}

TEST_CASE("leases: no free pool for the default bridge fails only what needs it", "[network_leases]") {
  test::TempDir d;
  auto s = open_store(d);
  user_network(s, "wide", "172.16.0.0/12", "172.16.0.1");
  user_network(s, "home", "192.168.0.0/16", "192.168.0.1");
  auto all = find_network(s, "host");
  REQUIRE(all);
  CHECK(all->driver == "host");
  CHECK(find_network(s, "none"));
  CHECK(find_network(s, "wide"));
  auto bridge = find_network(s, "bridge");
  REQUIRE_FALSE(bridge);
  CHECK(bridge.error().message ==
        "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
  CHECK(find_network(s, "nosuch").error().message == "network nosuch not found");
  // Made once a pool is free (unless this host's own routes cover them all).
  REQUIRE(storage::NetworkStore(s.root()).remove(sha256_hex("home")));
  std::vector<network::Cidr> wide{*network::parse_cidr("172.16.0.0/12")};
  auto routes = network::host_routes();
  wide.insert(wide.end(), routes.begin(), routes.end());
  if (network::choose_subnet(wide)) {
    bridge = find_network(s, "bridge");
    REQUIRE(bridge);
    CHECK(bridge->subnets[0].subnet.rfind("192.168.", 0) == 0);
  }
}
