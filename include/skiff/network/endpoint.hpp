// A container's place on a bridge network: the veth pair made by the
// supervisor (its host end on the bridge, its other end made directly in
// the container's namespace) and the addresses the container's own setup
// gives that end before its command runs.
#pragma once

#include <string>
#include <vector>

#include "skiff/network/bridge.hpp"
#include "skiff/network/rtnl.hpp"

namespace skiff::network {

// The container's end, configured from inside its namespace.
struct Interface {
  std::string name;                    // eth0, eth1, ...
  std::vector<std::string> addresses;  // "172.18.0.2/16"
  std::vector<std::string> gateways;   // default routes via these (first network only)
  bool operator==(const Interface &) const = default;
};

struct Endpoint {
  BridgeNetwork network;
  std::string veth;  // the host end's name (veth_name)
  std::string mac;   // the container end's
  Interface inside;
};

// The host end's name (15 characters, the kernel's most), derived from the
// container's and the network's IDs so that a later command (disconnect,
// the next start after a kill) finds it without a record.
std::string veth_name(const std::string &container_id, const std::string &network_id);

// The bridge (made if missing) and the pair joined to it, in the calling
// process's namespace: the bridge's.
Status attach_endpoint(const Endpoint &e, int container_netns_fd);
// The pair, by its host end (gone already is no error).
Status detach_endpoint(const std::string &veth);
// Inside the container's namespace: addresses, up, default routes.
Status configure_interface(const Interface &i);

} // namespace skiff::network
