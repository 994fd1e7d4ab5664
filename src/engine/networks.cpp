// Networks as objects: create, list, inspect and remove records.
#include "skiff/engine/networks.hpp"

#include <nlohmann/json.hpp>

#include "network_records.hpp"
#include "skiff/network/bridge.hpp"
#include "skiff/network/dns_server.hpp"
#include "skiff/network/host_routes.hpp"
#include "skiff/network/user_netns.hpp"
#include "skiff/network/ipam.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/lock.hpp"
#include "skiff/util/timefmt.hpp"
#include "store_access.hpp"

namespace skiff::engine {

using nlohmann::json;
namespace net = skiff::network;

// What moby says before it looks at anything else.
static Status check_create(const NetworkCreate &c) {
  if (c.driver == "host" || c.driver == "null")
    return make_error(Errc::conflict, "only one instance of \"{}\" network is allowed", c.driver);
  if (c.driver != "bridge")
    return make_error(Errc::not_found, "plugin \"{}\" not found", c.driver);
  if (c.name.empty())
    return make_error(Errc::invalid, "a network needs a name");
  if (is_predefined_network(c.name))
    return make_error(Errc::conflict, "operation is not permitted on predefined {} network ", c.name);
  return {};
}

Result<NetworkRecord> create_network(Engine &eng, const NetworkCreate &c) {
  TRY_STATUS(check_create(c));
  auto opts = TRY(bridge_options(c.options));
  auto &store = store_of(eng);
  auto all = TRY(network_records(store));
  storage::NetworkStore ns(store.root());
  auto lock = TRY(ns.lock());
  ns.sweep_temp_files();
  all = TRY(ns.list());
  for (const auto &n : all)
    if (n.name == c.name)
      return make_error(Errc::exists, "network with name {} already exists", c.name);
  std::vector<net::Cidr> taken;
  for (const auto &n : all)
    for (const auto &s : n.subnets)
      if (auto sub = net::parse_cidr(s.subnet))
        taken.push_back(*sub);
  net::sweep_orphan_bridges();  // their routes would take pools
  auto plans = TRY(net::plan_subnets({c.subnets, c.gateways, c.ip_ranges, c.ipv6}, taken, net::host_routes()));
  NetworkRecord n;
  n.id = ids::random_id();
  n.name = c.name;
  n.created = timefmt::now_ns();
  n.driver = "bridge";
  for (const auto &p : plans)
    n.subnets.push_back({net::format_cidr(p.subnet), net::format_ip(p.gateway),
                         p.ip_range ? net::format_cidr(*p.ip_range) : "", p.user_subnet, p.user_gateway});
  n.ipv6 = c.ipv6;
  n.internal = c.internal;
  n.labels = c.labels;
  n.options = c.options;
  n.bridge = opts.name.empty() ? "br-" + ids::short_id(n.id) : opts.name;
  for (const auto &o : all)
    if (o.bridge == n.bridge)
      return make_error(Errc::conflict,
                        "cannot create network {} ({}): conflicts with network {} ({}): networks have same bridge name",
                        n.id, n.bridge, o.id, o.bridge);
  TRY_STATUS(ns.write(n));
  return n;
}

Result<std::vector<NetworkView>> network_views(Engine &eng) {
  auto &store = store_of(eng);
  std::vector<NetworkView> out;
  for (auto &n : TRY(network_records(store))) {
    auto leases = TRY(live_leases(store, n.id));
    out.push_back({std::move(n), std::move(leases)});
  }
  return out;
}

Result<NetworkView> network_view(Engine &eng, const std::string &ref) {
  auto &store = store_of(eng);
  auto n = TRY(find_network(store, ref));
  auto leases = TRY(live_leases(store, n.id));
  return NetworkView{std::move(n), std::move(leases)};
}

json network_inspect_json(const NetworkView &v) {
  const auto &n = v.record;
  bool predefined = is_predefined_network(n.name);
  json config = json::array();
  int prefix4 = 0, prefix6 = 0;
  for (const auto &s : n.subnets) {
    json c = {{"Subnet", s.subnet}};
    if (!s.ip_range.empty())
      c["IPRange"] = s.ip_range;
    // Docker shows the gateway it chose only for a subnet it chose.
    if (s.user_gateway || !s.user_subnet)
      c["Gateway"] = s.gateway;
    config.push_back(c);
    if (auto sub = net::parse_cidr(s.subnet)) {
      int &prefix = sub->addr.v6 ? prefix6 : prefix4;
      if (prefix == 0)
        prefix = sub->prefix;
    }
  }
  json containers = json::object();
  for (const auto &l : v.leases)
    containers[l.container_id] = {
        {"Name", l.name},
        {"EndpointID", l.endpoint_id},
        {"MacAddress", l.mac},
        {"IPv4Address", l.ip.empty() ? "" : l.ip + "/" + std::to_string(prefix4)},
        {"IPv6Address", l.ip6.empty() ? "" : l.ip6 + "/" + std::to_string(prefix6)}};
  return {{"Name", n.name},
          {"Id", n.id},
          {"Created", timefmt::rfc3339nano(n.created)},
          {"Scope", "local"},
          {"Driver", n.driver},
          {"EnableIPv6", n.ipv6},
          {"IPAM", {{"Driver", "default"}, {"Options", predefined ? json(nullptr) : json::object()}, {"Config", config}}},
          {"Internal", n.internal},
          {"Attachable", false},
          {"Ingress", false},
          {"ConfigFrom", {{"Network", ""}}},
          {"ConfigOnly", false},
          {"Containers", containers},
          {"Options", n.options},
          {"Labels", n.labels}};
}

network::BridgeNetwork bridge_network(const NetworkRecord &n) {
  network::BridgeNetwork b;
  b.id = n.id;
  b.bridge = n.bridge;
  b.internal = n.internal;
  return b;
}

// Rootless, the bridge is in the store's user network namespace, if that
// still exists (else it went with it).
static Status remove_network_bridge(const storage::Store &store, bool rootless, const network::BridgeNetwork &b) {
  if (!rootless)
    return network::remove_bridge(b);
  auto user_netns = TRY(network::UserNetns::find(user_netns_dir(store)));
  if (!user_netns)
    return {};
  return network::in_netns(user_netns->fd(), [&] { return network::remove_bridge(b); });
}

Result<NetworkRecord> remove_network(Engine &eng, const std::string &ref) {
  auto &store = store_of(eng);
  auto n = TRY(find_network(store, ref));
  if (is_predefined_network(n.name))
    return make_error(Errc::conflict, "{} is a pre-defined network and cannot be removed", n.name);
  storage::NetworkStore ns(store.root());
  auto lock = TRY(ns.lock());
  // The leases' lock too, so that no container joins while it goes; one
  // waiting for it finds the record gone.
  std::string dir = store.runroot() + "/networks/" + n.id;
  TRY_STATUS(fs::mkdir_p(dir, 0755));
  auto leases_lock = TRY(FileLock::acquire(dir + "/lock"));
  auto leases = TRY(live_leases(store, n.id));
  if (!leases.empty()) {
    std::string eps;
    for (const auto &l : leases)
      eps += fmt::format("{}name:\"{}\" id:\"{}\"", eps.empty() ? "" : ", ", l.name, ids::short_id(l.endpoint_id));
    return make_error(Errc::conflict, "error while removing network: network {} has active endpoints ({})", n.name,
                      eps);
  }
  network::stop_dns_server(dir);
  if (n.driver == "bridge")
    TRY_STATUS(remove_network_bridge(store, eng.options().rootless, bridge_network(n)));
  TRY_STATUS(ns.remove(n.id));
  TRY_STATUS(fs::remove_all(dir));
  return n;
}

} // namespace skiff::engine
