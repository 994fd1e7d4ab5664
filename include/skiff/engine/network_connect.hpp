// `network connect` and `network disconnect`: a container's networks
// changed in its config, and, while it runs, its veth pair made or removed
// at once.
#pragma once

#include <string>
#include <vector>

#include "skiff/engine/engine.hpp"

namespace skiff::engine {

struct ConnectRequest {
  std::string network, container;    // as the user named them
  std::vector<std::string> aliases;  // --alias
  std::string ip, ip6;               // --ip, --ip6
};
Status connect_network(Engine &eng, const ConnectRequest &r);
// `force`: a container that is gone from the network's leases but still
// in its config is taken out of the config (Docker's -f).
Status disconnect_network(Engine &eng, const std::string &network, const std::string &container, bool force);

} // namespace skiff::engine
