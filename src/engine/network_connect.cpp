#include "skiff/engine/network_connect.hpp"

#include <fcntl.h>

#include <algorithm>

#include <fmt/format.h>

#include "skiff/engine/launch_plan.hpp"
#include "skiff/engine/network_dns.hpp"
#include "skiff/engine/network_leases.hpp"
#include "skiff/network/endpoint.hpp"
#include "skiff/network/user_netns.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "store_access.hpp"

namespace skiff::engine {

namespace {

bool running(const storage::ContainerState &st) {
  return st.status == storage::RunStatus::running && sys::process_alive(st.pid, st.pid_start);
}

// The first eth<n> the container's namespace does not have yet.
std::string free_interface(pid_t pid) {
  auto dev = fs::read_file(fmt::format("/proc/{}/net/dev", pid)).value_or("");
  for (int n = 0;; n++) {
    std::string name = fmt::format("eth{}", n);
    if (dev.find(" " + name + ":") == std::string::npos && dev.find("\n" + name + ":") == std::string::npos)
      return name;
  }
}

// From the bridges' namespace: the host's, or the store's own (rootless).
Status in_bridge_namespace(const storage::Store &store, bool rootless, bool start,
                           const std::function<Status()> &body) {
  if (!rootless)
    return body();
  if (start)
    return network::in_netns(TRY(network::UserNetns::acquire(user_netns_dir(store))).fd(), body);
  auto user_netns = TRY(network::UserNetns::find(user_netns_dir(store)));
  if (!user_netns)
    return {};
  return network::in_netns(user_netns->fd(), body);
}

// The pair made and configured in a running container.
Status attach_running(const storage::Store &store, bool rootless, const storage::ContainerConfig &c, pid_t pid,
                      const NetworkEndpoint &e) {
  network::Endpoint ep;
  ep.network = plan_bridge(e, rootless ? "" : network_records_dir(store));
  ep.veth = network::veth_name(c.id, e.network_id);
  ep.mac = e.mac;
  ep.inside.name = free_interface(pid);
  ep.inside.addresses.push_back(fmt::format("{}/{}", e.ip, e.prefix_len));
  if (!e.ip6.empty())
    ep.inside.addresses.push_back(fmt::format("{}/{}", e.ip6, e.prefix_len6));
  UniqueFd netns(::open(fmt::format("/proc/{}/ns/net", pid).c_str(), O_RDONLY | O_CLOEXEC));
  if (!netns)
    return sys_error("opening the container's network namespace");
  TRY_STATUS(network::load_netlink());
  TRY_STATUS(in_bridge_namespace(store, rootless, true, [&] { return network::attach_endpoint(ep, netns.get()); }));
  return network::in_netns(netns.get(), [&] { return network::configure_interface(ep.inside); });
}

} // namespace

Status connect_network(Engine &eng, const ConnectRequest &r) {
  auto &store = store_of(eng);
  bool rootless = eng.options().rootless;
  auto id = TRY(eng.find_container(r.container));
  auto net = TRY(find_network(store, r.network));
  auto lock = TRY(store.lock_container(id));
  auto rec = TRY(store.read_container(id));
  auto &c = rec.config;
  // moby's words (runconfig errors, daemon/container_operations.go).
  if (net.driver == "host")
    return make_error(Errc::invalid, "container cannot be disconnected from host network or connected to host network");
  if (net.driver == "null" || c.network == "none")
    return make_error(Errc::invalid,
                      "container cannot be connected to multiple networks with one of the networks in private (none) "
                      "mode");
  if (c.network == "host" || c.network.rfind("container:", 0) == 0)
    return make_error(Errc::invalid,
                      "container sharing network namespace with another container or host cannot be connected to any "
                      "other network");
  if (std::any_of(c.networks.begin(), c.networks.end(), [&](const auto &a) { return a.network == net.id; }))
    return make_error(Errc::conflict, "endpoint with name {} already exists in network {}", c.name, net.name);
  bool user_defined = !storage::is_predefined_network(net.name);
  if (!user_defined && !r.aliases.empty())
    return make_error(Errc::invalid, "network-scoped alias is supported only for containers in user defined networks");
  if (!user_defined && (!r.ip.empty() || !r.ip6.empty()))
    return make_error(Errc::invalid, "user specified IP address is supported on user defined networks only");
  bool live = running(rec.state);
  if (c.network == "default") {
    if (live)
      return make_error(Errc::conflict,
                        "container {} is on a user-mode network of its own while it runs: stop it, then connect it",
                        c.name);
    c.network = "bridge";
    c.networks.clear();
  }
  c.networks.push_back({net.id, r.aliases, r.ip, r.ip6, ""});
  if (live) {
    auto endpoints = TRY(allocate_endpoints(store, id, c.name, {{net.id, r.ip, r.ip6, "", r.aliases}}));
    auto attached = [&]() -> Status {
      TRY_STATUS(start_network_dns_servers(store, endpoints, fs::read_file("/etc/resolv.conf").value_or(""),
                                           rootless ? user_netns_dir(store) : ""));
      return attach_running(store, rootless, c, rec.state.pid, endpoints[0]);
    }();
    if (!attached) {
      (void)release_endpoint(store, id, net.id);
      return attached;
    }
  }
  return store.write_config(c);
}

Status disconnect_network(Engine &eng, const std::string &network, const std::string &container, bool force) {
  auto &store = store_of(eng);
  bool rootless = eng.options().rootless;
  auto id = TRY(eng.find_container(container));
  auto net = TRY(find_network(store, network));
  auto lock = TRY(store.lock_container(id));
  auto rec = TRY(store.read_container(id));
  auto &c = rec.config;
  if (net.driver == "host")
    return make_error(Errc::invalid, "container cannot be disconnected from host network or connected to host network");
  auto it = std::find_if(c.networks.begin(), c.networks.end(), [&](const auto &a) { return a.network == net.id; });
  if (it == c.networks.end())
    return make_error(Errc::not_found, "container {} is not connected to network {}", id, net.name);
  if (running(rec.state)) {
    auto veth = network::veth_name(id, net.id);
    auto s = in_bridge_namespace(store, rootless, false, [&] { return network::detach_endpoint(veth); });
    if (!s && !force)
      return s;
  }
  TRY_STATUS(release_endpoint(store, id, net.id));
  c.networks.erase(it);
  return store.write_config(c);
}

} // namespace skiff::engine
