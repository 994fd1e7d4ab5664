// The addresses of containers on networks (leases), for the engine's
// start and teardown paths. A network's leases live in
// RUNROOT/networks/<id>/leases.json, changed under RUNROOT/networks/<id>/lock
// (flock) and rewritten atomically; in the same locked step its DNS name
// table RUNROOT/networks/<id>/names (hosts format) is rewritten. They
// vanish at reboot with the containers they describe.
//
// A lease is kept while the process that took it (the command starting
// the container) lives, or while the container's state says it runs and
// its supervisor lives: whatever a kill -9 left is dropped by the next
// allocation, release or removal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/storage/network_store.hpp"
#include "skiff/storage/store.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

struct Lease {
  std::string container_id, name;     // the container's full ID and name
  std::vector<std::string> aliases;   // its names on this network besides `name`
  std::string ip, ip6, mac;           // ip6 empty unless the network has IPv6
  std::string endpoint_id;            // 64 hex, as Docker's EndpointID
  sys::ProcessRef holder;             // the process that took the lease
};

std::string leases_to_json(const std::vector<Lease> &leases);
Result<std::vector<Lease>> parse_leases(std::string_view text, const std::string &source);
// The DNS server's table, /etc/hosts format: one line per address,
// "<ip> <name> <alias>... <short id>".
std::string names_table(const std::vector<Lease> &leases);

// One network a container joins, as the caller asks for it.
struct EndpointRequest {
  std::string network;               // name, ID or unique ID prefix
  std::string ip, ip6;               // --ip, --ip6: empty for the next free one
  std::string mac;                   // --mac-address: empty for Docker's 02:42:<IPv4>
  std::vector<std::string> aliases;  // --network-alias
};

// What the datapath needs to attach a container to one network: the
// launch plan's network endpoint.
struct NetworkEndpoint {
  std::string network_id, network_name;
  std::string bridge;           // Linux bridge name
  int prefix_len = 0;           // of the IPv4 subnet
  std::string gateway, ip;      // IPv4
  int prefix_len6 = 0;          // of the IPv6 subnet (0: no IPv6)
  std::string gateway6, ip6;
  std::string mac;
  std::vector<std::string> aliases;
  std::string endpoint_id;
  bool internal = false;        // no route out, no masquerade
  int mtu = 1500;               // com.docker.network.driver.mtu
  bool masquerade = true;       // com.docker.network.bridge.enable_ip_masquerade
  bool icc = true;              // com.docker.network.bridge.enable_icc
  std::string host_binding_ipv4;  // com.docker.network.bridge.host_binding_ipv4, empty: 0.0.0.0
  bool user_defined = true;     // false on the default bridge (no DNS there)
};

// Pure: the lease `container` gets on network `n` given the live leases of
// the others (`others`) and its own previous one (kept address when still
// free). moby's checks and words for a requested address.
Result<Lease> plan_lease(const storage::NetworkRecord &n, const std::vector<Lease> &others,
                         const std::string &container_id, const std::string &container_name,
                         const EndpointRequest &req, const Lease *previous, std::string endpoint_id);
// Pure: the endpoint a lease on `n` gives.
NetworkEndpoint endpoint_of(const storage::NetworkRecord &n, const Lease &l);

// The network `ref` names (full ID, name, unique ID prefix), the built-in
// ones made first if missing: "network X not found" otherwise, and for a
// default bridge that cannot be made (every default pool overlaps a
// network or a route of the host) moby's words for that.
Result<storage::NetworkRecord> find_network(const storage::Store &store, std::string_view ref);

// For a container about to start: one lease on each network asked for,
// recorded, and the endpoints in the order asked. On a failure the leases
// this call took are released again. The caller is the process that
// starts the container (the lease's holder until the supervisor runs).
Result<std::vector<NetworkEndpoint>> allocate_endpoints(const storage::Store &store, const std::string &container_id,
                                                        const std::string &container_name,
                                                        const std::vector<EndpointRequest> &requests);
// At a container's exit or removal: its leases on every network go (and
// dead ones found on the way). Missing leases are no error.
Status release_endpoints(const storage::Store &store, const std::string &container_id);
// `network disconnect`: its lease on one network.
Status release_endpoint(const storage::Store &store, const std::string &container_id, const std::string &network_id);
// Where a store's network state is kept: its records (ROOT/networks),
// and rootless, its own network namespace's files (RUNROOT/netns).
std::string network_records_dir(const storage::Store &store);
std::string user_netns_dir(const storage::Store &store);

// The live leases of network `network_id` (read without repairing).
Result<std::vector<Lease>> live_leases(const storage::Store &store, const std::string &network_id);

} // namespace skiff::engine
