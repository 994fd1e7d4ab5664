// The store's network records, with the built-in networks made on first need.
#include "network_records.hpp"

#include "skiff/engine/network_leases.hpp"

#include <charconv>

#include "skiff/network/bridge.hpp"
#include "skiff/network/host_routes.hpp"
#include "skiff/network/ipam.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::engine {

namespace net = skiff::network;

// Docker's default bridge options, as its inspect shows them; the bridge
// is skiff's own, br-<id12>, like every other network's.
static storage::NetworkRecord default_bridge(const std::string &id, const net::Cidr &subnet) {
  storage::NetworkRecord n;
  n.id = id;
  n.name = "bridge";
  n.driver = "bridge";
  n.bridge = "br-" + ids::short_id(id);
  n.subnets.push_back({net::format_cidr(subnet), net::format_ip(net::nth_address(subnet, 1)), "", false, false});
  n.options = {{"com.docker.network.bridge.default_bridge", "true"},
               {"com.docker.network.bridge.enable_icc", "true"},
               {"com.docker.network.bridge.enable_ip_masquerade", "true"},
               {"com.docker.network.bridge.host_binding_ipv4", "0.0.0.0"},
               {"com.docker.network.bridge.name", n.bridge},
               {"com.docker.network.driver.mtu", "1500"}};
  return n;
}

// The default bridge on the first default pool that neither another
// network nor a route of the host uses.
static Result<storage::NetworkRecord> new_default_bridge(const std::vector<storage::NetworkRecord> &all) {
  net::sweep_orphan_bridges();  // their routes would take pools
  std::vector<net::Cidr> taken = net::host_routes();
  for (const auto &o : all)
    for (const auto &s : o.subnets)
      if (auto c = net::parse_cidr(s.subnet))
        taken.push_back(*c);
  return default_bridge(ids::random_id(), TRY(net::choose_subnet(taken)));
}

// Under the lock: makes whichever built-in network is missing. A default
// bridge for which no pool is free is left out (its error returned): the
// commands that do not need it go on, and the next look tries again.
static Status make_builtins(const storage::NetworkStore &ns, std::vector<storage::NetworkRecord> &all) {
  Status bridge_error;
  for (const char *name : {"bridge", "host", "none"}) {
    if (std::any_of(all.begin(), all.end(), [&](const storage::NetworkRecord &n) { return n.name == name; }))
      continue;
    storage::NetworkRecord n;
    if (std::string_view(name) == "bridge") {
      auto b = new_default_bridge(all);
      if (!b) {
        bridge_error = std::move(b).error();
        continue;
      }
      n = std::move(*b);
    } else {
      n.id = ids::random_id();
      n.name = name;
      n.driver = std::string_view(name) == "host" ? "host" : "null";
    }
    n.created = timefmt::now_ns();
    TRY_STATUS(ns.write(n));
    all.push_back(std::move(n));
  }
  std::sort(all.begin(), all.end(),
            [](const storage::NetworkRecord &a, const storage::NetworkRecord &b) { return a.name < b.name; });
  return bridge_error;
}

static Result<std::vector<storage::NetworkRecord>> records(const storage::Store &store, Status *bridge_error) {
  storage::NetworkStore ns(store.root());
  auto all = TRY(ns.list());
  int builtins = 0;
  for (const auto &n : all)
    builtins += storage::is_predefined_network(n.name) ? 1 : 0;
  if (builtins == 3)
    return all;
  auto lock = TRY(ns.lock());
  all = TRY(ns.list());  // another command may have made them meanwhile
  auto made = make_builtins(ns, all);
  if (!made && bridge_error)
    *bridge_error = std::move(made);
  return all;
}

Result<std::vector<storage::NetworkRecord>> network_records(const storage::Store &store) {
  return records(store, nullptr);
}

Result<storage::NetworkRecord> find_network(const storage::Store &store, std::string_view ref) {
  Status bridge_error;
  auto all = TRY(records(store, &bridge_error));
  auto n = storage::find_network_in(all, ref);
  if (!n && ref == "bridge" && !bridge_error)
    return std::move(bridge_error).error();
  return n;
}

static Result<bool> parse_bool_option(const std::string &key, const std::string &v) {
  // Go's strconv.ParseBool.
  for (const char *t : {"1", "t", "T", "TRUE", "true", "True"})
    if (v == t)
      return true;
  for (const char *f : {"0", "f", "F", "FALSE", "false", "False"})
    if (v == f)
      return false;
  return make_error(Errc::invalid, "failed to parse {} value: {} (strconv.ParseBool: parsing \"{}\": invalid syntax)",
                    key, v, v);
}

Result<BridgeOptions> bridge_options(const std::map<std::string, std::string> &options) {
  BridgeOptions o;
  for (const auto &[k, v] : options) {
    if (k == "com.docker.network.bridge.name") {
      // IFNAMSIZ: the kernel's answer to a longer name, as Docker relays it.
      if (v.size() > 15)
        return make_error(Errc::invalid, "failed to check bridge interface existence: numerical result out of range");
      o.name = v;
    } else if (k == "com.docker.network.bridge.enable_ip_masquerade") {
      o.masquerade = TRY(parse_bool_option(k, v));
    } else if (k == "com.docker.network.bridge.enable_icc") {
      o.icc = TRY(parse_bool_option(k, v));
    } else if (k == "com.docker.network.bridge.host_binding_ipv4") {
      if (!net::parse_ip(v))
        return make_error(Errc::invalid, "failed to parse {} value: {} (nil ip)", k, v);
      o.host_binding_ipv4 = v;
    } else if (k == "com.docker.network.driver.mtu") {
      int mtu = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), mtu);
      if (ec != std::errc() || end != v.data() + v.size())
        return make_error(Errc::invalid, "failed to parse {} value: {} (strconv.Atoi: parsing \"{}\": invalid syntax)",
                          k, v, v);
      if (mtu < 0)
        return make_error(Errc::invalid, "invalid MTU number: {}", mtu);
      if (mtu > 0)
        o.mtu = mtu;
    }
  }
  return o;
}

} // namespace skiff::engine
