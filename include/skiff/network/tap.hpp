// The container's end of user-mode networking: a tap device made inside
// the container's network namespace and configured there, so the network
// is up the moment the command starts. Packets the command sends before
// the helper reads them wait in the device's queue.
#pragma once

#include <string>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::network {

struct TapConfig {
  std::string name = "tap0";
  int mtu = 65520;
  std::string address;  // e.g. "10.0.2.100"
  int prefix_len = 24;
  std::string gateway;  // default route via this address
};

// Creates the device in the calling process's network namespace, brings it
// up with its address and default route, and returns its queue's fd.
Result<UniqueFd> create_tap(const TapConfig &cfg);

} // namespace skiff::network
