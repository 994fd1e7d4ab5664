// The networks a new container names, found: each attachment then holds
// its network's ID, as Docker's endpoint config does.
#include "skiff/engine/container_networks.hpp"

#include "skiff/engine/network_leases.hpp"
#include "store_access.hpp"

namespace skiff::engine {

Status resolve_networks(const storage::Store &store, bool rootless, storage::ContainerConfig &c) {
  if (c.network != "bridge")
    return {};
  // Rootless containers on the default network each get a user-mode
  // network of their own (user-defined networks are bridges in the
  // user's network namespace: network/user_netns.hpp).
  if (rootless && c.networks.size() == 1 && c.networks[0].network == "bridge") {
    c.network = "default";
    c.networks.clear();
    return {};
  }
  for (auto &a : c.networks) {
    auto n = TRY(find_network(store, a.network));
    if (n.driver == "host" || n.driver == "null") {
      if (c.networks.size() > 1)
        return Error{Errc::usage,
                     "conflicting options: cannot attach both user-defined and non-user-defined network-modes",
                     kExitRuntime};
      c.network = n.driver == "host" ? "host" : "none";
      c.networks.clear();
      return {};
    }
    a.network = n.id;
  }
  return {};
}

std::vector<EndpointRequest> endpoint_requests(const storage::ContainerConfig &c) {
  std::vector<EndpointRequest> out;
  for (const auto &a : c.networks)
    out.push_back({a.network, a.ip, a.ip6, a.mac, a.aliases});
  return out;
}

std::string linked_address(const storage::Store &store, const std::string &id,
                           const std::vector<NetworkEndpoint> &endpoints) {
  for (const auto &e : endpoints)
    if (auto leases = live_leases(store, e.network_id))
      for (const auto &l : *leases)
        if (l.container_id == id)
          return l.ip;
  return "";
}

std::vector<ContainerNetwork> container_networks(Engine &eng, const storage::ContainerConfig &c) {
  const auto &store = store_of(eng);
  std::vector<ContainerNetwork> out;
  for (const auto &a : c.networks) {
    auto n = find_network(store, a.network);
    if (!n)
      continue;
    ContainerNetwork cn{n->id, n->name, a.aliases, std::nullopt};
    if (auto leases = live_leases(store, n->id))
      for (const auto &l : *leases)
        if (l.container_id == c.id)
          cn.endpoint = endpoint_of(*n, l);
    out.push_back(std::move(cn));
  }
  return out;
}

} // namespace skiff::engine
