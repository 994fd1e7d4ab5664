// Links, addresses and routes through rtnetlink (libmnl), in the network
// namespace the socket was opened in: a bridge per network, the veth pair
// that joins a container to it, and the container's end configured from
// inside its namespace.
#pragma once

#include <string>

#include "skiff/util/result.hpp"

struct mnl_socket;
struct nlmsghdr;

namespace skiff::network {

// Loads libmnl (dlopen: linking it would add a library to every command's
// start). Call it before forking a child that uses Rtnl.
Status load_netlink();

class Rtnl {
public:
  Rtnl(Rtnl &&o) noexcept;
  Rtnl &operator=(Rtnl &&) = delete;
  ~Rtnl();
  // A socket in the calling thread's network namespace.
  static Result<Rtnl> open();

  // A bridge, if none of that name exists (an existing link is kept).
  Status add_bridge(const std::string &name, int mtu);
  // A veth pair: `name` here, `peer` (with `peer_mac`, unless empty) made
  // directly in the namespace `peer_netns_fd` names.
  Status add_veth(const std::string &name, const std::string &peer, int peer_netns_fd,
                  const std::string &peer_mac, int mtu);
  Status set_master(const std::string &name, const std::string &master);
  Status set_up(const std::string &name);
  // "172.18.0.2/16" or "fd00::2/64"; an address already there is kept.
  Status add_address(const std::string &name, const std::string &cidr);
  // The default route (v4 or v6, by the gateway's family) via `gateway`.
  Status add_default_route(const std::string &name, const std::string &gateway);
  // Gone already is success.
  Status delete_link(const std::string &name);

private:
  explicit Rtnl(mnl_socket *s);
  // Sends one request and waits for its acknowledgement; `ignore` is an
  // errno that counts as success (EEXIST, ENODEV).
  Status request(nlmsghdr *msg, int ignore, const std::string &what);
  Result<int> index_of(const std::string &name) const;
  mnl_socket *sock_;
  unsigned seq_ = 0;
};

} // namespace skiff::network
