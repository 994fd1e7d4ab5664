#include "skiff/network/endpoint.hpp"

#include <fmt/format.h>

namespace skiff::network {

std::string veth_name(const std::string &container_id, const std::string &network_id) {
  return fmt::format("veth{}{}", container_id.substr(0, 6), network_id.substr(0, 5));
}

Status attach_endpoint(const Endpoint &e, int container_netns_fd) {
  TRY_STATUS(ensure_bridge(e.network));
  auto nl = TRY(Rtnl::open());
  // A pair left by a container that was killed with its supervisor.
  TRY_STATUS(nl.delete_link(e.veth));
  TRY_STATUS(nl.add_veth(e.veth, e.inside.name, container_netns_fd, e.mac, e.network.mtu));
  TRY_STATUS(nl.set_master(e.veth, e.network.bridge));
  return nl.set_up(e.veth);
}

Status detach_endpoint(const std::string &veth) {
  auto nl = TRY(Rtnl::open());
  return nl.delete_link(veth);
}

Status configure_interface(const Interface &i) {
  auto nl = TRY(Rtnl::open());
  for (const auto &a : i.addresses)
    TRY_STATUS(nl.add_address(i.name, a));
  TRY_STATUS(nl.set_up(i.name));
  for (const auto &g : i.gateways)
    TRY_STATUS(nl.add_default_route(i.name, g));
  return {};
}

} // namespace skiff::network
