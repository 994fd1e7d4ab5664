#include "skiff/spec/ports.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "skiff/util/strings.hpp"

namespace skiff::spec {

namespace {

// What docker/cli refuses: exit 125 in run and create.
Error bad(std::string msg) { return Error{Errc::usage, std::move(msg), kExitRuntime}; }

// Go's strconv.ParseUint(s, 10, 16) and its error text.
Result<uint16_t> parse_uint16(std::string_view s) {
  std::string q = fmt::format("strconv.ParseUint: parsing \"{}\": ", s);
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad(q + "invalid syntax");
  uint64_t v = 0;
  for (char c : s) {
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > 65535)
      return bad(q + "value out of range");
  }
  return static_cast<uint16_t>(v);
}

bool valid_ip(const std::string &ip) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, ip.c_str(), buf) == 1 || ::inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

// nat.SplitProtoPort: "80/udp" -> ("udp", "80"); no protocol is tcp; an
// empty port is empty.
std::pair<std::string, std::string> split_proto_port(std::string_view raw) {
  auto slash = raw.find('/');
  std::string port(raw.substr(0, slash));
  std::string proto = slash == std::string_view::npos ? "" : std::string(raw.substr(slash + 1));
  if (port.empty())
    return {"", ""};
  return {proto.empty() ? "tcp" : proto, port};
}

// docker/cli's convertToStandardNotation: the long form as the short one.
Result<std::string> standard_notation(std::string_view spec) {
  if (spec.find('=') == std::string_view::npos)
    return std::string(spec);
  std::map<std::string, std::string> params{{"protocol", "tcp"}};
  for (const auto &param : str::split(spec, ',')) {
    auto kv = str::cut(param, '=');
    if (!kv || kv->first.empty())
      return bad(fmt::format("invalid publish opts format (should be name=value but got '{}')", param));
    params[kv->first] = kv->second;
  }
  return fmt::format("{}:{}/{}", params["published"], params["target"], params["protocol"]);
}

} // namespace

Result<PortRange> parse_port_range(std::string_view s) {
  if (s.empty())
    return bad("empty string specified for ports");
  auto dash = s.find('-');
  if (dash == std::string_view::npos) {
    uint16_t p = TRY(parse_uint16(s));
    return PortRange{p, p};
  }
  // Go's strings.Split then parts[0] and parts[1]: what follows a second
  // dash is not looked at.
  std::string_view rest = s.substr(dash + 1);
  uint16_t first = TRY(parse_uint16(s.substr(0, dash)));
  uint16_t last = TRY(parse_uint16(rest.substr(0, rest.find('-'))));
  if (last < first)
    return bad(fmt::format("invalid range specified for port: {}", s));
  return PortRange{first, last};
}

Result<std::vector<storage::PortBinding>> parse_publish(std::string_view raw_spec) {
  std::string spec = TRY(standard_notation(raw_spec));
  auto parts = str::split(spec, ':');
  std::string ip, host_port, container_port = parts.back();
  if (parts.size() == 2) {
    host_port = parts[0];
  } else if (parts.size() >= 3) {
    host_port = parts[parts.size() - 2];
    ip = str::join(std::vector<std::string>(parts.begin(), parts.end() - 2), ":");
  }
  auto [proto, port] = split_proto_port(container_port);
  if (!ip.empty() && ip[0] == '[') {
    // Go's net.SplitHostPort(ip + ":") strips the brackets.
    auto close = ip.find(']');
    if (close == std::string::npos)
      return bad(fmt::format("invalid IP address {}: address {}:: missing ']' in address", ip, ip));
    if (close != ip.size() - 1)
      return bad(fmt::format("invalid IP address {}: address {}:: too many colons in address", ip, ip));
    ip = ip.substr(1, close - 1);
  }
  if (!ip.empty() && !valid_ip(ip))
    return bad("invalid IP address: " + ip);
  if (port.empty())
    return bad(fmt::format("no port specified: {}<empty>", spec));
  auto ctr = parse_port_range(port);
  if (!ctr)
    return bad("invalid containerPort: " + port);
  PortRange host{};
  if (!host_port.empty()) {
    auto h = parse_port_range(host_port);
    if (!h)
      return bad("invalid hostPort: " + host_port);
    host = *h;
    // A host range beside one container port is where a free port is
    // picked; beside a container range it must be as long.
    if (host.last - host.first != ctr->last - ctr->first && ctr->last != ctr->first)
      return bad(fmt::format("invalid ranges specified for container and host Ports: {} and {}", port, host_port));
  }
  std::string lower = str::lower(proto);
  if (lower != "tcp" && lower != "udp" && lower != "sctp")
    return bad("invalid proto: " + proto);
  std::vector<storage::PortBinding> out;
  for (unsigned p = ctr->first; p <= ctr->last; p++) {
    std::string hp;
    if (!host_port.empty()) {
      hp = std::to_string(host.first + (p - ctr->first));
      if (ctr->first == ctr->last && host.first != host.last)
        hp += "-" + std::to_string(host.last);
    }
    out.push_back({fmt::format("{}/{}", p, lower), ip, hp});
  }
  return out;
}

Result<std::vector<std::string>> parse_expose(std::string_view spec) {
  if (spec.find(':') != std::string_view::npos)
    return bad(fmt::format("invalid port format for --expose: {}", spec));
  auto [proto, port] = split_proto_port(spec);
  auto range = parse_port_range(port);
  if (!range)
    return bad(fmt::format("invalid range format for --expose: {}, error: {}", spec, range.error().message));
  std::string lower = str::lower(proto);
  std::vector<std::string> out;
  for (unsigned p = range->first; p <= range->last; p++)
    out.push_back(fmt::format("{}/{}", p, lower));
  return out;
}

bool split_port(std::string_view port, PortProto &out) {
  auto slash = port.find('/');
  if (slash == std::string_view::npos)
    return false;
  auto n = parse_uint16(port.substr(0, slash));
  if (!n)
    return false;
  out = {*n, std::string(port.substr(slash + 1))};
  return !out.proto.empty();
}

std::vector<std::string> merge_exposed(std::vector<std::string> ports) {
  auto key = [](const std::string &p) {
    PortProto pp;
    if (!split_port(p, pp))
      return std::make_pair(-1, p);
    return std::make_pair(static_cast<int>(pp.port), pp.proto);
  };
  std::sort(ports.begin(), ports.end(), [&](const auto &a, const auto &b) { return key(a) < key(b); });
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

} // namespace skiff::spec
