// Which host ports a container's start binds: decided from its config
// alone (pure), carried out by the supervisor (network/ports.hpp).
#include <set>

#include "skiff/engine/launch_plan.hpp"
#include "skiff/spec/ports.hpp"

namespace skiff::engine {

namespace {

bool relayed(const std::string &proto) { return proto == "tcp" || proto == "udp"; }

} // namespace

std::vector<network::PortRequest> plan_ports(const storage::ContainerConfig &c) {
  std::vector<network::PortRequest> out;
  if (c.network == "host" || c.network == "none" || c.network.starts_with("container:"))
    return out;
  std::set<std::string> bound;
  for (const auto &b : c.port_bindings) {
    spec::PortProto pp;
    if (!spec::split_port(b.port, pp) || !relayed(pp.proto))
      continue;  // spec refuses what cannot be relayed at create
    network::PortRequest r{b.port, pp.proto, pp.port, b.host_ip, 0, 0};
    if (!b.host_port.empty()) {
      auto range = spec::parse_port_range(b.host_port);
      if (range) {
        r.host_first = range->first;
        r.host_last = range->last > range->first ? range->last : 0;
      }
    }
    out.push_back(std::move(r));
    bound.insert(b.port);
  }
  if (c.publish_all)
    for (const auto &p : c.exposed_ports) {
      spec::PortProto pp;
      if (bound.count(p) || !spec::split_port(p, pp) || !relayed(pp.proto))
        continue;
      out.push_back({p, pp.proto, pp.port, "", 0, 0});
    }
  return out;
}

bool is_publish_failure(const Error &e) { return network::is_publish_failure(e.message); }

} // namespace skiff::engine
