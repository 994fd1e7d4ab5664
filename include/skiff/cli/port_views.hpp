// A container's ports as Docker's CLI and API show them: inspect's
// NetworkSettings.Ports and HostConfig.PortBindings, ps's PORTS column
// (docker/cli's DisplayablePorts) and the `port` command's lines. Pure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "skiff/engine/types.hpp"

namespace skiff::cli {

// HostConfig.PortBindings: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}.
nlohmann::json port_bindings_json(const engine::ContainerConfig &c);

// NetworkSettings.Ports: of a running container (`running`) with a network
// of its own, every exposed port, with the host ports bound for it or
// null; {} otherwise.
nlohmann::json network_ports_json(const engine::ContainerConfig &c, const engine::ContainerState &s, bool running);

// ps's PORTS: "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp", exposed-only
// ports as "80/tcp", runs of ports published on their own numbers (or
// only exposed) collapsed to "8000-8002/tcp", as docker/cli's
// DisplayablePorts groups them.
std::string ps_ports(const engine::ContainerConfig &c, const engine::ContainerState &s, bool running);

// `port CTR`: "80/tcp -> 0.0.0.0:8080" lines; `port CTR 80[/tcp]`: the
// "0.0.0.0:8080" lines of that port, or an error (docker/cli's words),
// in docker/cli's natural order.
Result<std::vector<std::string>> port_lines(const engine::ContainerConfig &c, const engine::ContainerState &s,
                                            bool running, const std::string &private_port,
                                            const std::string &container_name);

// sortorder.NaturalLess: runs of digits compared as numbers.
bool natural_less(const std::string &a, const std::string &b);

} // namespace skiff::cli
