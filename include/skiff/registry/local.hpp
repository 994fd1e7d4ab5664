// Which registries are insecure without being configured so: as Docker's
// daemon, those whose host is, or resolves to, an address in 127.0.0.0/8
// or ::1/128 (`localhost:5000`, `127.0.0.1:5000`, `[::1]:5000`), so a
// registry run on this machine is reached over plain HTTP or with a
// certificate nobody signed. Pure: the caller resolves the name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::registry {

// The host of a registry domain: "host:port" or "[v6]:port" without the
// port and brackets.
std::string domain_host(std::string_view domain);

// Whether an address literal is in 127.0.0.0/8 or is ::1 (an IPv4-mapped
// IPv6 address counts as its IPv4 one, as Go's IPNet.Contains has it).
bool is_loopback_address(std::string_view address);

// Whether `domain` is insecure by default: its host is a loopback literal,
// or any of `addresses` (what it resolves to) is one. Docker Hub is
// always secure and never looked up.
bool insecure_by_default(std::string_view domain, const std::vector<std::string> &addresses);

} // namespace skiff::registry
