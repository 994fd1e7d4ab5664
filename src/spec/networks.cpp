#include <arpa/inet.h>
#include <netinet/ether.h>

#include <algorithm>

#include <fmt/format.h>

#include "skiff/spec/merge.hpp"
#include "invalid.hpp"

namespace skiff::spec {

namespace {

bool is_mode(const std::string &n) {
  return n == "none" || n == "host" || n == "slirp4netns" || n == "pasta" || n.rfind("container:", 0) == 0;
}

} // namespace

// Docker's rules (docker/cli's opts and moby's daemon/create.go): one mode
// alone, or networks by name; what --network-alias, --ip and --mac-address
// ask is for the first network, and a user-defined one.
Status container_networks(const CreateOptions &o, storage::ContainerConfig &c) {
  std::vector<std::string> names;
  for (auto n : o.networks) {
    if (n.empty() || n == "default")
      n = "bridge";
    if (std::find(names.begin(), names.end(), n) != names.end())
      return Error{Errc::usage, fmt::format("network \"{}\" is specified multiple times", n), kExitRuntime};
    names.push_back(n);
  }
  if (names.empty())
    names.push_back("bridge");
  bool mode = std::any_of(names.begin(), names.end(), is_mode);
  if (mode && names.size() > 1)
    return Error{Errc::usage, "conflicting options: cannot attach both user-defined and non-user-defined network-modes",
                 kExitRuntime};
  if (names[0] == "container:")
    return invalid("invalid network mode: container: needs a container's name or ID");
  if (!o.mac_address.empty()) {
    ether_addr mac{};
    if (!::ether_aton_r(o.mac_address.c_str(), &mac))
      return Error{Errc::usage, fmt::format("{} is not a valid mac address", o.mac_address), kExitRuntime};
  }
  for (const auto &[ip, family] : {std::pair{o.ip, AF_INET}, std::pair{o.ip6, AF_INET6}}) {
    unsigned char buf[16];
    if (!ip.empty() && ::inet_pton(family, ip.c_str(), buf) != 1)
      return flag_invalid(family == AF_INET ? "--ip" : "--ip6", ip,
                          fmt::format("invalid string being converted to IP address: {}", ip));
  }
  c.links = o.links;
  if (mode) {
    c.network = names[0];
    if (c.network == "host" || c.network.rfind("container:", 0) == 0) {
      if (!o.mac_address.empty())
        return invalid("conflicting options: mac-address and the network mode");
    }
    if (!o.network_aliases.empty())
      return invalid("network-scoped alias is supported only for containers in user defined networks");
    if (!o.ip.empty() || !o.ip6.empty())
      return invalid("user specified IP address is supported on user defined networks only");
    // moby's runconfig words.
    if (!o.links.empty() && c.network == "host")
      return invalid("conflicting options: host type networking can't be used with links. This would result in "
                     "undefined behavior");
    if (!o.links.empty() && c.network.rfind("container:", 0) == 0)
      return invalid("conflicting options: container type network can't be used with links. This would result in "
                     "undefined behavior");
    return {};
  }
  c.network = "bridge";
  bool user_defined = names[0] != "bridge";
  if (!user_defined && !o.network_aliases.empty())
    return invalid("network-scoped alias is supported only for containers in user defined networks");
  if (!user_defined && (!o.ip.empty() || !o.ip6.empty()))
    return invalid("user specified IP address is supported on user defined networks only");
  for (size_t i = 0; i < names.size(); i++) {
    storage::NetworkAttachment a;
    a.network = names[i];
    if (i == 0) {
      a.aliases = o.network_aliases;
      a.ip = o.ip;
      a.ip6 = o.ip6;
      a.mac = o.mac_address;
    }
    c.networks.push_back(std::move(a));
  }
  return {};
}

} // namespace skiff::spec
