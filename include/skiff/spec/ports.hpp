// -p/--publish and --expose as docker/cli reads them (go-connections'
// nat.ParsePortSpec, as vendored by docker/cli 28), with its error words.
// Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/storage/container_config.hpp"
#include "skiff/util/result.hpp"

namespace skiff::spec {

// "[[IP:]HOST_PORT:]CONTAINER_PORT[/PROTO]", or the long form
// "target=80,published=8080,protocol=udp": one binding per container port
// (a container range is expanded; a host range beside one container port
// stays a range to pick a free port from). An IPv6 address comes in
// brackets, and is kept without them.
Result<std::vector<storage::PortBinding>> parse_publish(std::string_view spec);

// --expose's PORT[/PROTO] or FIRST-LAST[/PROTO]: "80/tcp" per port.
Result<std::vector<std::string>> parse_expose(std::string_view spec);

// Go's strconv.ParseUint(s, 10, 16) over nat.ParsePortRange: "80" or
// "8000-8010"; the error is Go's text.
struct PortRange {
  uint16_t first = 0, last = 0;
};
Result<PortRange> parse_port_range(std::string_view s);

// "80/tcp" -> {80, "tcp"}; false for anything else.
struct PortProto {
  uint16_t port = 0;
  std::string proto;
};
bool split_port(std::string_view port, PortProto &out);

// Config.ExposedPorts: `image`'s ports, --expose's and -p's, each once,
// in moby's nat.Sort order (by number, then protocol).
std::vector<std::string> merge_exposed(std::vector<std::string> ports);

} // namespace skiff::spec
