#include "skiff/cli/port_views.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "skiff/spec/ports.hpp"

namespace skiff::cli {

using nlohmann::json;

namespace {

bool has_own_network(const engine::ContainerConfig &c) {
  return c.network != "host" && c.network != "none" && !c.network.starts_with("container:");
}

// Go's net.JoinHostPort.
std::string join_host_port(const std::string &host, const std::string &port) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : host + ":" + port;
}

// The API's Ports list of a container (moby's daemon/list.go): one entry
// per bound host port, one per exposed port without.
struct ApiPort {
  std::string ip;  // "" when not published
  int private_port = 0, public_port = 0;
  std::string type;
};

std::vector<ApiPort> api_ports(const engine::ContainerConfig &c, const engine::ContainerState &s, bool running) {
  std::vector<ApiPort> out;
  if (!running || !has_own_network(c))
    return out;
  std::vector<std::string> ports = c.exposed_ports;
  for (const auto &p : s.ports)
    ports.push_back(p.port);
  for (const auto &port : spec::merge_exposed(ports)) {
    spec::PortProto pp;
    if (!spec::split_port(port, pp))
      continue;
    bool bound = false;
    for (const auto &p : s.ports)
      if (p.port == port) {
        out.push_back({p.host_ip, pp.port, p.host_port, pp.proto});
        bound = true;
      }
    if (!bound)
      out.push_back({"", pp.port, 0, pp.proto});
  }
  return out;
}

// netip.Addr.Less: no address first, then IPv4 before IPv6, then bytes.
bool ip_less(const std::string &a, const std::string &b) {
  auto key = [](const std::string &ip) {
    unsigned char buf[16]{};
    int family = 0;
    if (::inet_pton(AF_INET, ip.c_str(), buf) == 1)
      family = 4;
    else if (::inet_pton(AF_INET6, ip.c_str(), buf) == 1)
      family = 6;
    return std::make_pair(family, std::string(reinterpret_cast<char *>(buf), family == 4 ? 4 : 16));
  };
  return key(a) < key(b);
}

} // namespace

json port_bindings_json(const engine::ContainerConfig &c) {
  json out = json::object();
  for (const auto &b : c.port_bindings) {
    if (!out.contains(b.port))
      out[b.port] = json::array();
    out[b.port].push_back({{"HostIp", b.host_ip}, {"HostPort", b.host_port}});
  }
  return out;
}

json network_ports_json(const engine::ContainerConfig &c, const engine::ContainerState &s, bool running) {
  json out = json::object();
  for (const auto &p : api_ports(c, s, running)) {
    std::string key = fmt::format("{}/{}", p.private_port, p.type);
    if (p.ip.empty()) {
      out[key] = nullptr;
      continue;
    }
    if (!out.contains(key) || out[key].is_null())
      out[key] = json::array();
    out[key].push_back({{"HostIp", p.ip}, {"HostPort", std::to_string(p.public_port)}});
  }
  return out;
}

std::string ps_ports(const engine::ContainerConfig &c, const engine::ContainerState &s, bool running) {
  auto ports = api_ports(c, s, running);
  std::sort(ports.begin(), ports.end(), [](const ApiPort &i, const ApiPort &j) {
    if (i.private_port != j.private_port)
      return i.private_port < j.private_port;
    if (i.ip != j.ip)
      return ip_less(i.ip, j.ip);
    if (i.public_port != j.public_port)
      return i.public_port < j.public_port;
    return i.type < j.type;
  });
  struct Group {
    int first, last;
  };
  std::map<std::string, Group> groups;
  std::vector<std::string> order, result, host_mappings;
  auto form = [](const std::string &key, const Group &g) {
    auto slash = key.rfind('/');
    std::string ip = slash == std::string::npos ? "" : key.substr(0, slash);
    std::string type = slash == std::string::npos ? key : key.substr(slash + 1);
    std::string range = std::to_string(g.first);
    if (g.first != g.last)
      range += "-" + std::to_string(g.last);
    if (!ip.empty())
      range = fmt::format("{}->{}", join_host_port(ip, range), range);
    return range + "/" + type;
  };
  for (const auto &p : ports) {
    std::string key = p.type;
    if (!p.ip.empty()) {
      if (p.public_port != p.private_port) {
        host_mappings.push_back(
            fmt::format("{}->{}/{}", join_host_port(p.ip, std::to_string(p.public_port)), p.private_port, p.type));
        continue;
      }
      key = p.ip + "/" + p.type;
    }
    auto it = groups.find(key);
    if (it == groups.end()) {
      groups[key] = {p.private_port, p.private_port};
      order.push_back(key);
      continue;
    }
    if (p.private_port == it->second.last + 1) {
      it->second.last = p.private_port;
      continue;
    }
    result.push_back(form(key, it->second));
    it->second = {p.private_port, p.private_port};
  }
  for (const auto &key : order)
    result.push_back(form(key, groups[key]));
  result.insert(result.end(), host_mappings.begin(), host_mappings.end());
  std::string out;
  for (size_t i = 0; i < result.size(); i++)
    out += (i ? ", " : "") + result[i];
  return out;
}

bool natural_less(const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t si = i, sj = j;
      while (i < a.size() && digit(a[i]))
        i++;
      while (j < b.size() && digit(b[j]))
        j++;
      std::string na = a.substr(si, i - si), nb = b.substr(sj, j - sj);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size())
        return na.size() < nb.size();
      if (na != nb)
        return na < nb;
      continue;
    }
    if (a[i] != b[j])
      return a[i] < b[j];
    i++, j++;
  }
  return a.size() - i < b.size() - j;
}

Result<std::vector<std::string>> port_lines(const engine::ContainerConfig &c, const engine::ContainerState &s,
                                            bool running, const std::string &private_port,
                                            const std::string &container_name) {
  std::vector<std::string> out;
  auto ports = api_ports(c, s, running);
  if (!private_port.empty()) {
    // docker/cli: PORT[/PROTO], tcp when the protocol is left out.
    std::string port = private_port, proto = "tcp";
    if (auto slash = private_port.find('/'); slash != std::string::npos && slash + 1 < private_port.size()) {
      port = private_port.substr(0, slash);
      proto = private_port.substr(slash + 1);
    }
    // One port, as docker/cli 28 takes it: strconv.ParseUint's error for
    // anything else, a range included.
    Result<spec::PortRange> range =
        port.find('-') == std::string::npos
            ? spec::parse_port_range(port)
            : Result<spec::PortRange>(
                  make_error(Errc::invalid, "strconv.ParseUint: parsing \"{}\": invalid syntax", port));
    if (!range)
      return Error{Errc::invalid, fmt::format("invalid port ({}): {}", port, range.error().message), 1};
    std::string key = fmt::format("{}/{}", range->first, proto);
    for (const auto &p : ports)
      if (!p.ip.empty() && fmt::format("{}/{}", p.private_port, p.type) == key)
        out.push_back(join_host_port(p.ip, std::to_string(p.public_port)));
    if (out.empty())
      return make_error(Errc::not_found, "No public port '{}' published for {}", private_port, container_name);
  } else {
    for (const auto &p : ports)
      if (!p.ip.empty())
        out.push_back(fmt::format("{}/{} -> {}", p.private_port, p.type,
                                  join_host_port(p.ip, std::to_string(p.public_port))));
  }
  std::sort(out.begin(), out.end(), natural_less);
  return out;
}

} // namespace skiff::cli
