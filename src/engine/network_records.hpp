// Internal: the store's network records as the engine sees them, the
// built-in networks made on first need, and the bridge driver's options.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "skiff/storage/network_store.hpp"
#include "skiff/storage/store.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

// Every network, sorted by name; bridge, host and none are made first
// (under the networks' lock, so two commands never make two) if missing.
// A default bridge no free pool is left for is not made (and not listed).
Result<std::vector<storage::NetworkRecord>> network_records(const storage::Store &store);

// The bridge driver's options (-o) as moby's bridge driver reads them,
// with its words for a value it cannot parse; other keys are kept and
// ignored, as Docker does.
struct BridgeOptions {
  std::string name;  // com.docker.network.bridge.name
  bool masquerade = true;
  bool icc = true;
  std::string host_binding_ipv4;
  int mtu = 1500;
};
Result<BridgeOptions> bridge_options(const std::map<std::string, std::string> &options);

} // namespace skiff::engine
