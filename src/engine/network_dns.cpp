#include "skiff/engine/network_dns.hpp"

#include <optional>
#include <sstream>

#include "skiff/engine/launch_plan.hpp"
#include "skiff/network/user_netns.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::engine {

DnsServerConfig dns_server_config(const storage::Store &store, const NetworkEndpoint &e,
                                  const std::string &host_resolv) {
  DnsServerConfig d;
  d.network_id = e.network_id;
  d.network_name = e.network_name;
  d.state_dir = store.runroot() + "/networks/" + e.network_id;
  d.listen = {e.gateway};
  if (!e.gateway6.empty())
    d.listen.push_back(e.gateway6);
  for (const auto &line : str::split(host_resolv, '\n')) {
    std::vector<std::string> words;
    std::istringstream in(line);
    for (std::string w; in >> w;)
      words.push_back(w);
    if (words.size() >= 2 && words[0] == "nameserver")
      d.upstreams.push_back(words[1]);
    else if (words.size() >= 2 && (words[0] == "search" || words[0] == "domain"))
      d.search_domains.assign(words.begin() + 1, words.end());
  }
  d.internal = e.internal;
  return d;
}

Result<DnsServerStatus> start_network_dns(const DnsServerConfig &c) { return network::ensure_dns_server(c); }

Status start_network_dns_servers(const storage::Store &store, const std::vector<NetworkEndpoint> &endpoints,
                                 const std::string &host_resolv, const std::string &user_netns_dir) {
  std::optional<network::UserNetns> user_netns;
  for (const auto &e : endpoints) {
    if (!e.user_defined)
      continue;
    auto config = dns_server_config(store, e, host_resolv);
    if (user_netns_dir.empty()) {
      TRY_STATUS(network::ensure_bridge(plan_bridge(e, network_records_dir(store))));
    } else {
      if (!user_netns)
        user_netns.emplace(TRY(network::UserNetns::acquire(user_netns_dir)));
      TRY_STATUS(network::in_netns(user_netns->fd(), [&] { return network::ensure_bridge(plan_bridge(e, "")); }));
      config.netns_fd = user_netns->fd();
      config.upstreams = {network::kUserNetnsDns};
    }
    TRY(start_network_dns(config));
  }
  return {};
}

} // namespace skiff::engine
