// Network records: what is written reads back, and networks are found by
// Docker's rules.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "../../src/engine/network_records.hpp"
#include "scratch.hpp"
#include "skiff/engine/network_filter.hpp"
#include "skiff/engine/networks.hpp"
#include "skiff/storage/network_store.hpp"

using namespace skiff;
using namespace skiff::storage;

namespace {

NetworkRecord record(const std::string &name, const std::string &id) {
  NetworkRecord n;
  n.id = id;
  n.name = name;
  n.created = 1733333333123456789;
  n.driver = "bridge";
  n.subnets = {{"10.99.0.0/24", "10.99.0.1", "10.99.0.128/25", true, false}, {"fd00:1::/64", "fd00:1::1", "", true, true}};
  n.ipv6 = true;
  n.internal = true;
  n.labels = {{"a", "b"}};
  n.options = {{"com.docker.network.driver.mtu", "9000"}};
  n.bridge = "br-" + id.substr(0, 12);
  return n;
}

std::string hex(char c) { return std::string(64, c); }

} // namespace

TEST_CASE("network records: written and read back", "[network_records]") {
  auto n = record("web", hex('a'));
  auto back = parse_network_record(n.to_json().dump(), "x.json");
  REQUIRE(back);
  CHECK(back->to_json() == n.to_json());
  CHECK(back->created == n.created);
  CHECK(back->subnets[0].ip_range == "10.99.0.128/25");
  CHECK(back->subnets[1].user_gateway);

  auto bad = parse_network_record(R"({"id":"xyz","name":"a","created":"2024-01-01T00:00:00Z","driver":"bridge"})", "n.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "n.json: id: not a 64-hex ID");
  auto missing = parse_network_record(R"({"name":"a"})", "n.json");
  REQUIRE_FALSE(missing);
}

TEST_CASE("network records: found by ID, name or unique ID prefix, as moby finds them", "[network_records]") {
  std::string id1 = "abc" + std::string(61, '1'), id2 = "abd" + std::string(61, '2'), id3 = std::string(64, '3');
  std::vector<NetworkRecord> all = {record("one", id1), record("two", id2), record(id1.substr(0, 5), id3)};
  CHECK(find_network_in(all, id1)->name == "one");
  CHECK(find_network_in(all, "two")->id == id2);
  CHECK(find_network_in(all, "abc")->name == "one");
  // A name beats an ID prefix.
  CHECK(find_network_in(all, id1.substr(0, 5))->id == id3);
  auto amb = find_network_in(all, "ab");
  REQUIRE_FALSE(amb);
  CHECK(amb.error().message == "network ab is ambiguous (2 matches found based on ID prefix)");
  auto dup = all;
  dup.push_back(record("two", hex('4')));
  CHECK(find_network_in(dup, "two").error().message == "network two is ambiguous (2 matches found on name)");
  auto none = find_network_in(all, "nosuch");
  REQUIRE_FALSE(none);
  CHECK(none.error().code == Errc::not_found);
  CHECK(none.error().message == "network nosuch not found");
  CHECK_FALSE(find_network_in(all, ""));
}

TEST_CASE("network records: the store lists what it wrote, sorted by name, skipping debris", "[network_records]") {
  test::TempDir d;
  NetworkStore ns(d.path);
  auto lock = ns.lock();
  REQUIRE(lock);
  REQUIRE(ns.write(record("zeta", hex('b'))));
  REQUIRE(ns.write(record("alpha", hex('c'))));
  REQUIRE(fs::write_file(ns.dir() + "/" + hex('d') + ".json.tmp-1-abc", "{"));
  auto list = ns.list();
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].name == "alpha");
  ns.sweep_temp_files();
  CHECK_FALSE(fs::exists(ns.dir() + "/" + hex('d') + ".json.tmp-1-abc"));
  REQUIRE(ns.remove(hex('b')));
  CHECK(ns.list()->size() == 1);
}

TEST_CASE("network records: the bridge driver's options in moby's words", "[network_records]") {
  auto o = engine::bridge_options({{"com.docker.network.bridge.name", "skiffbr0"},
                                   {"com.docker.network.bridge.enable_icc", "false"},
                                   {"com.docker.network.bridge.enable_ip_masquerade", "0"},
                                   {"com.docker.network.driver.mtu", "9000"},
                                   {"foo", "bar"}});
  REQUIRE(o);
  CHECK(o->name == "skiffbr0");
  CHECK_FALSE(o->icc);
  CHECK_FALSE(o->masquerade);
  CHECK(o->mtu == 9000);
  auto err = [](std::map<std::string, std::string> m) { return engine::bridge_options(m).error().message; };
  CHECK(err({{"com.docker.network.bridge.enable_icc", "maybe"}}) ==
        "failed to parse com.docker.network.bridge.enable_icc value: maybe (strconv.ParseBool: parsing \"maybe\": "
        "invalid syntax)");
  CHECK(err({{"com.docker.network.driver.mtu", "abc"}}) ==
        "failed to parse com.docker.network.driver.mtu value: abc (strconv.Atoi: parsing \"abc\": invalid syntax)");
  CHECK(err({{"com.docker.network.driver.mtu", "-5"}}) == "invalid MTU number: -5");
  CHECK(err({{"com.docker.network.bridge.host_binding_ipv4", "abc"}}) ==
        "failed to parse com.docker.network.bridge.host_binding_ipv4 value: abc (nil ip)");
  CHECK(err({{"com.docker.network.bridge.name", "abcdefghijklmnopq"}}) ==
        "failed to check bridge interface existence: numerical result out of range");
}

TEST_CASE("network records: inspect's shape", "[network_records]") {
  engine::NetworkView v{record("web", hex('a')), {}};
  engine::Lease l;
  l.container_id = hex('e');
  l.name = "c1";
  l.ip = "10.99.0.128";
  l.ip6 = "fd00:1::2";
  l.mac = "02:42:0a:63:00:80";
  l.endpoint_id = hex('f');
  v.leases.push_back(l);
  auto j = engine::network_inspect_json(v);
  CHECK(j["Id"] == hex('a'));
  CHECK(j["Created"] == "2024-12-04T17:28:53.123456789Z");
  CHECK(j["IPAM"]["Options"] == nlohmann::json::object());
  // A user's subnet shows only the gateway the user gave.
  CHECK(j["IPAM"]["Config"][0] == nlohmann::json({{"Subnet", "10.99.0.0/24"}, {"IPRange", "10.99.0.128/25"}}));
  CHECK(j["IPAM"]["Config"][1] == nlohmann::json({{"Subnet", "fd00:1::/64"}, {"Gateway", "fd00:1::1"}}));
  auto c = j["Containers"][hex('e')];
  CHECK(c["IPv4Address"] == "10.99.0.128/24");
  CHECK(c["IPv6Address"] == "fd00:1::2/64");
  CHECK(c["EndpointID"] == hex('f'));
  CHECK(j["Labels"]["a"] == "b");
  v.record.name = "bridge";
  v.record.subnets = {{"172.18.0.0/16", "172.18.0.1", "", false, false}};
  j = engine::network_inspect_json(v);
  CHECK(j["IPAM"]["Options"].is_null());
  CHECK(j["IPAM"]["Config"][0]["Gateway"] == "172.18.0.1");
}

TEST_CASE("network filter: ls and prune keys as moby applies them", "[network_records]") {
  std::map<std::string, std::string> team{{"team", "web"}};
  std::string id(64, 'a'), name = "web", bridge = "bridge", null = "null";
  engine::NetworkFilter::Subject custom{id, name, bridge, team, false, false, 100};
  engine::NetworkFilter::Subject builtin{id, null, null, {}, true, false, 100};
  auto keeps = [](std::vector<std::string> words, const engine::NetworkFilter::Subject &s, bool prune = false) {
    auto f = engine::parse_network_filter(words, prune, 1000);
    REQUIRE(f);
    return f->matches(s);
  };
  CHECK(keeps({}, custom));
  CHECK(keeps({"driver=bridge"}, custom));
  CHECK_FALSE(keeps({"driver=bridg"}, custom));  // exact
  CHECK(keeps({"name=^w"}, custom));
  CHECK(keeps({"id=aaa"}, custom));
  CHECK(keeps({"label=team=web", "label=team"}, custom));
  CHECK_FALSE(keeps({"label=team=db"}, custom));
  CHECK(keeps({"type=custom"}, custom));
  CHECK_FALSE(keeps({"type=custom"}, builtin));
  CHECK(keeps({"type=custom", "type=builtin"}, builtin));
  CHECK(keeps({"dangling=true"}, custom));
  CHECK_FALSE(keeps({"dangling=true"}, builtin));
  CHECK(keeps({"dangling=1", "dangling=1"}, custom));  // one value given twice
  CHECK(keeps({"scope=local"}, custom));
  CHECK(keeps({"until=100"}, custom, true));  // created at, not after
  CHECK_FALSE(keeps({"until=0.00000005"}, custom, true));
  CHECK_FALSE(keeps({"label!=team"}, custom, true));
  auto err = [](std::vector<std::string> words, bool prune) {
    auto f = engine::parse_network_filter(words, prune, 0);
    REQUIRE_FALSE(f);
    return f.error().message;
  };
  CHECK(err({"type=x"}, false) == "invalid filter: 'type'='x'");
  CHECK(err({"until=1h"}, false) == "invalid filter 'until'");
  CHECK(err({"name=x"}, true) == "invalid filter 'name'");
  CHECK(err({"until=x"}, true) == "invalid value for 'until' filter: \"x\"");
  CHECK(err({"dangling=true", "dangling=0"}, false) == "got more than one value for filter key \"dangling\"");
}
