// Networks as objects for the CLI: create, list, inspect, remove, prune.
// The records live in the store (storage/network_store.hpp); who is on a
// network comes from its leases (network_leases.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/engine/engine.hpp"
#include "skiff/engine/network_leases.hpp"
#include "skiff/network/bridge.hpp"
#include "skiff/storage/network_store.hpp"

namespace skiff::engine {

using NetworkRecord = storage::NetworkRecord;
using storage::is_predefined_network;

struct NetworkCreate {
  std::string name;
  std::string driver = "bridge";
  std::vector<std::string> subnets, gateways, ip_ranges;  // as typed
  bool ipv6 = false;
  bool internal = false;
  std::map<std::string, std::string> labels, options;
};

// Checks `c` as Docker does (driver, name, options, subnets against the
// other networks; a subnet chosen from the default pools, away from the
// host's routes, when none is given) and records the network.
Result<NetworkRecord> create_network(Engine &eng, const NetworkCreate &c);

struct NetworkView {
  NetworkRecord record;
  std::vector<Lease> leases;  // the containers on it now
};
// Every network (built-ins included), sorted by name.
Result<std::vector<NetworkView>> network_views(Engine &eng);
Result<NetworkView> network_view(Engine &eng, const std::string &ref);

// The Engine API's NetworkResource (moby api/types/network.Inspect).
nlohmann::json network_inspect_json(const NetworkView &v);

// The kernel side of a network's record (its bridge and nftables table).
network::BridgeNetwork bridge_network(const NetworkRecord &n);

// Refused for the built-ins and for a network containers are on, in
// Docker's words; returns the removed record.
Result<NetworkRecord> remove_network(Engine &eng, const std::string &ref);

} // namespace skiff::engine
