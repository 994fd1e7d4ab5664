// The DNS server of a user-defined network (network/dns_server.hpp), as
// the engine starts it for a container joining the network, and for the
// hidden `__dns-ensure` command that starts one by hand.
#pragma once

#include <string>
#include <vector>

#include "skiff/engine/network_leases.hpp"
#include "skiff/network/dns_server.hpp"
#include "skiff/storage/store.hpp"

namespace skiff::engine {

using DnsServerConfig = network::DnsServerConfig;
using DnsServerStatus = network::DnsServerStatus;

// On the network's gateway; names it does not know go to the nameservers
// of `host_resolv` (the host's resolv.conf), reached from the host.
DnsServerConfig dns_server_config(const storage::Store &store, const NetworkEndpoint &e,
                                  const std::string &host_resolv);
Result<DnsServerStatus> start_network_dns(const DnsServerConfig &c);

// Each user-defined network's DNS server among `endpoints`, on its
// bridge's address (the bridge made first): with `user_netns_dir`
// (rootless) in that store's network namespace, where the host's
// nameservers are reached through libslirp's.
Status start_network_dns_servers(const storage::Store &store, const std::vector<NetworkEndpoint> &endpoints,
                                 const std::string &host_resolv, const std::string &user_netns_dir);

} // namespace skiff::engine
