// Leases: the addresses running containers hold on a network.
#include "skiff/engine/network_leases.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "network_records.hpp"
#include "skiff/network/ipam.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/json_read.hpp"
#include "skiff/util/lock.hpp"

namespace skiff::engine {

using nlohmann::json;
namespace net = skiff::network;

std::string leases_to_json(const std::vector<Lease> &leases) {
  json arr = json::array();
  for (const auto &l : leases)
    arr.push_back({{"container_id", l.container_id},
                   {"name", l.name},
                   {"aliases", l.aliases},
                   {"ip", l.ip},
                   {"ip6", l.ip6},
                   {"mac", l.mac},
                   {"endpoint_id", l.endpoint_id},
                   {"holder_pid", l.holder.pid},
                   {"holder_start", l.holder.start}});
  return arr.dump();
}

Result<std::vector<Lease>> parse_leases(std::string_view text, const std::string &source) {
  auto doc = TRY(JsonDoc::parse(text, source, Errc::failed));
  std::vector<Lease> out;
  for (const auto &e : doc.root().elements()) {
    Lease l;
    l.container_id = e["container_id"].required().as_string();
    l.name = e["name"].as_string();
    l.aliases = e["aliases"].as_strings();
    l.ip = e["ip"].as_string();
    l.ip6 = e["ip6"].as_string();
    l.mac = e["mac"].as_string();
    l.endpoint_id = e["endpoint_id"].as_string();
    l.holder.pid = e["holder_pid"].as_int<pid_t>();
    l.holder.start = e["holder_start"].as_int<uint64_t>();
    out.push_back(std::move(l));
  }
  TRY_STATUS(doc.status());
  return out;
}

std::string names_table(const std::vector<Lease> &leases) {
  std::string out;
  auto line = [&](const std::string &ip, const Lease &l) {
    if (ip.empty())
      return;
    out += ip + " " + l.name;
    for (const auto &a : l.aliases)
      if (a != l.name)
        out += " " + a;
    out += " " + ids::short_id(l.container_id) + "\n";
  };
  for (const auto &l : leases) {
    line(l.ip, l);
    line(l.ip6, l);
  }
  return out;
}

// The record's subnets in ipam's terms.
static std::vector<net::SubnetPlan> plans_of(const storage::NetworkRecord &n) {
  std::vector<net::SubnetPlan> out;
  for (const auto &s : n.subnets) {
    auto sub = net::parse_cidr(s.subnet);
    auto gw = net::parse_ip(s.gateway);
    if (!sub || !gw)
      continue;
    out.push_back({*sub, *gw, s.ip_range.empty() ? std::nullopt : net::parse_cidr(s.ip_range), s.user_subnet,
                   s.user_gateway});
  }
  return out;
}

// One address of family `v6` for a lease: the requested one checked, the
// previous one kept if still free, else the next free one.
static Result<std::string> pick_address(const storage::NetworkRecord &n, const std::vector<net::SubnetPlan> &plans,
                                        bool v6, const std::vector<Lease> &others, const std::string &requested,
                                        const std::string &previous) {
  std::vector<net::IpAddr> taken;
  for (const auto &o : others)
    if (auto a = net::parse_ip(v6 ? o.ip6 : o.ip))
      taken.push_back(*a);
  if (!requested.empty()) {
    auto ip = net::parse_ip(requested);
    if (!ip || ip->v6 != v6)
      return make_error(Errc::invalid, "invalid IP{} address: {}", v6 ? "v6" : "v4", requested);
    TRY_STATUS(net::check_static_ip(*ip, plans, !storage::is_predefined_network(n.name), taken));
    return net::format_ip(*ip);
  }
  for (const auto &p : plans) {
    if (p.subnet.addr.v6 != v6)
      continue;
    if (auto prev = net::parse_ip(previous);
        prev && net::contains(p.subnet, *prev) && *prev != p.gateway &&
        std::find(taken.begin(), taken.end(), *prev) == taken.end())
      return net::format_ip(*prev);
    if (auto a = net::next_free_ip(p.subnet, p.ip_range, p.gateway, taken))
      return net::format_ip(*a);
  }
  return make_error(Errc::conflict, "no available IPv{} addresses on this network's address pools: {} ({})",
                    v6 ? 6 : 4, n.name, n.id);
}

Result<Lease> plan_lease(const storage::NetworkRecord &n, const std::vector<Lease> &others,
                         const std::string &container_id, const std::string &container_name,
                         const EndpointRequest &req, const Lease *previous, std::string endpoint_id) {
  if (n.driver != "bridge")
    return make_error(Errc::invalid, "network {} (driver {}) gives no addresses to attach a container to", n.name,
                      n.driver);
  auto plans = plans_of(n);
  Lease l;
  l.container_id = container_id;
  l.name = container_name;
  l.aliases = req.aliases;
  l.endpoint_id = std::move(endpoint_id);
  l.ip = TRY(pick_address(n, plans, false, others, req.ip, previous ? previous->ip : ""));
  bool has_v6 = std::any_of(plans.begin(), plans.end(), [](const net::SubnetPlan &p) { return p.subnet.addr.v6; });
  if (!req.ip6.empty() && !(n.ipv6 && has_v6))
    return make_error(Errc::invalid, "user specified IP address is supported only when connecting to networks with "
                                     "user configured subnets");
  if (n.ipv6 && has_v6)
    l.ip6 = TRY(pick_address(n, plans, true, others, req.ip6, previous ? previous->ip6 : ""));
  l.mac = req.mac.empty() ? net::mac_for(*net::parse_ip(l.ip)) : req.mac;
  l.holder = sys::this_process();
  return l;
}

NetworkEndpoint endpoint_of(const storage::NetworkRecord &n, const Lease &l) {
  NetworkEndpoint e;
  e.network_id = n.id;
  e.network_name = n.name;
  e.bridge = n.bridge;
  for (const auto &s : n.subnets) {
    auto sub = net::parse_cidr(s.subnet);
    if (!sub)
      continue;
    if (!sub->addr.v6 && e.prefix_len == 0) {
      e.prefix_len = sub->prefix;
      e.gateway = s.gateway;
    } else if (sub->addr.v6 && e.prefix_len6 == 0 && !l.ip6.empty()) {
      e.prefix_len6 = sub->prefix;
      e.gateway6 = s.gateway;
    }
  }
  e.ip = l.ip;
  e.ip6 = l.ip6;
  e.mac = l.mac;
  e.aliases = l.aliases;
  e.endpoint_id = l.endpoint_id;
  e.internal = n.internal;
  auto opts = bridge_options(n.options);
  if (opts) {
    e.mtu = opts->mtu;
    e.masquerade = opts->masquerade;
    e.icc = opts->icc;
    e.host_binding_ipv4 = opts->host_binding_ipv4;
  }
  e.user_defined = !storage::is_predefined_network(n.name);
  return e;
}

namespace {

std::string lease_dir(const storage::Store &store, const std::string &network_id) {
  return store.runroot() + "/networks/" + network_id;
}

bool alive(const storage::Store &store, const Lease &l) {
  if (sys::process_alive(l.holder.pid, l.holder.start))
    return true;
  auto st = store.read_state(l.container_id);
  if (!st)
    return false;
  bool active = st->status == storage::RunStatus::running || st->status == storage::RunStatus::restarting ||
                st->status == storage::RunStatus::paused;
  return active && sys::process_alive(st->supervisor_pid, st->supervisor_start);
}

Result<std::vector<Lease>> read_leases(const std::string &dir) {
  auto text = fs::read_file(dir + "/leases.json");
  if (!text)
    return std::vector<Lease>{};
  return parse_leases(*text, dir + "/leases.json");
}

// Under the network's lock: the leases file and the names table, each
// replaced by rename (runtime state: no fsync).
Status write_leases(const std::string &dir, const std::vector<Lease> &leases) {
  TRY_STATUS(fs::write_file_atomic(dir + "/leases.json", leases_to_json(leases), false, 0600));
  return fs::write_file_atomic(dir + "/names", names_table(leases), false, 0644);
}

// Runs `change` on the live leases of a network under its lock and
// writes them back when they changed.
template <typename F>
Status with_leases(const storage::Store &store, const std::string &network_id, F &&change) {
  std::string dir = lease_dir(store, network_id);
  TRY_STATUS(fs::mkdir_p(dir, 0755));
  auto lock = TRY(FileLock::acquire(dir + "/lock"));
  auto leases = TRY(read_leases(dir));
  size_t before = leases.size();
  std::erase_if(leases, [&](const Lease &l) { return !alive(store, l); });
  bool changed = TRY(change(leases)) || leases.size() != before;
  if (changed || !fs::exists(dir + "/names"))
    TRY_STATUS(write_leases(dir, leases));
  return {};
}

} // namespace

std::string network_records_dir(const storage::Store &store) { return storage::NetworkStore(store.root()).dir(); }

std::string user_netns_dir(const storage::Store &store) { return store.runroot() + "/netns"; }

Result<std::vector<Lease>> live_leases(const storage::Store &store, const std::string &network_id) {
  auto leases = TRY(read_leases(lease_dir(store, network_id)));
  std::erase_if(leases, [&](const Lease &l) { return !alive(store, l); });
  return leases;
}

Status release_endpoint(const storage::Store &store, const std::string &container_id,
                        const std::string &network_id) {
  return with_leases(store, network_id, [&](std::vector<Lease> &leases) -> Result<bool> {
    return std::erase_if(leases, [&](const Lease &l) { return l.container_id == container_id; }) > 0;
  });
}

Status release_endpoints(const storage::Store &store, const std::string &container_id) {
  Status first;
  for (const auto &id : fs::list_dir(store.runroot() + "/networks").value_or({})) {
    if (!fs::exists(lease_dir(store, id) + "/leases.json"))
      continue;
    auto s = with_leases(store, id, [&](std::vector<Lease> &leases) -> Result<bool> {
      return std::erase_if(leases, [&](const Lease &l) { return l.container_id == container_id; }) > 0;
    });
    if (!s && first)
      first = std::move(s);
  }
  return first;
}

Result<std::vector<NetworkEndpoint>> allocate_endpoints(const storage::Store &store, const std::string &container_id,
                                                        const std::string &container_name,
                                                        const std::vector<EndpointRequest> &requests) {
  std::vector<NetworkEndpoint> out;
  for (const auto &req : requests) {
    auto n = find_network(store, req.network);
    Status s = n ? Status{} : Status(n.error());
    if (n)
      s = with_leases(store, n->id, [&](std::vector<Lease> &leases) -> Result<bool> {
        // A network removed while we waited for its lock is gone.
        if (!fs::exists(storage::NetworkStore(store.root()).dir() + "/" + n->id + ".json"))
          return make_error(Errc::not_found, "network {} not found", req.network);
        auto mine = std::find_if(leases.begin(), leases.end(),
                                 [&](const Lease &l) { return l.container_id == container_id; });
        std::optional<Lease> previous;
        if (mine != leases.end()) {
          previous = *mine;
          leases.erase(mine);
        }
        auto l = TRY(plan_lease(*n, leases, container_id, container_name, req, previous ? &*previous : nullptr,
                                previous ? previous->endpoint_id : ids::random_id()));
        out.push_back(endpoint_of(*n, l));
        leases.push_back(std::move(l));
        return true;
      });
    if (!s) {
      (void)release_endpoints(store, container_id);
      return std::move(s).error();
    }
  }
  return out;
}

} // namespace skiff::engine
