// A container's bridge networks: found at create, leased at each start.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/engine/network_leases.hpp"
#include "skiff/storage/container_config.hpp"
#include "skiff/storage/store.hpp"

namespace skiff::engine {

// The attachments' networks found by name or ID ("network X not found"),
// and the mode they make (host and none by name become those modes).
Status resolve_networks(const storage::Store &store, bool rootless, storage::ContainerConfig &c);
// What a start asks of the leases.
std::vector<EndpointRequest> endpoint_requests(const storage::ContainerConfig &c);

// The address container `id` has on one of `endpoints`' networks; empty
// when it is on none of them (or not running).
std::string linked_address(const storage::Store &store, const std::string &id,
                           const std::vector<NetworkEndpoint> &endpoints);

// A network a container is configured for, and its address there while it
// runs (for inspect and ps).
struct ContainerNetwork {
  std::string id, name;
  std::vector<std::string> aliases;
  std::optional<NetworkEndpoint> endpoint;  // none while not running
};
// Networks removed since (Docker refuses that; a killed rm may not) are left out.
std::vector<ContainerNetwork> container_networks(Engine &eng, const storage::ContainerConfig &c);

} // namespace skiff::engine
