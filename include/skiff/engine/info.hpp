// What `info` and `inspect` show of this host's skiff: counts, the layer
// driver and the directories it makes roots of, the networks' addresses.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "skiff/engine/engine.hpp"
#include "skiff/network/user_net.hpp"

namespace skiff::engine {

struct SystemInfo {
  size_t containers = 0, running = 0, stopped = 0;  // stopped: every container not running
  size_t images = 0;
  std::string driver;
};
// Best effort, as docker info: what cannot be read counts as none.
SystemInfo system_info(Engine &eng);

// Docker's GraphDriver: the driver's name and, for the overlay drivers,
// the directories a root is made of (LowerDir, UpperDir, WorkDir); Data
// is empty (null in JSON) for the others.
struct GraphDriver {
  std::string name;
  std::map<std::string, std::string> data;
};
// An image's: its top layer is UpperDir, those below it LowerDir.
GraphDriver image_graph_driver(Engine &eng, const ImageRecord &img);
// A container's: the image's layers below its own upper and work
// directories. No MergedDir: the root is mounted only inside the
// container's mount namespace, never on the host.
GraphDriver container_graph_driver(Engine &eng, const ContainerView &v);

// Docker's SizeRw (what the container wrote: its upper directory, or what
// its copied root grew by) and SizeRootFs (that and its image's layers).
struct ContainerSize {
  int64_t rw = 0;
  int64_t root_fs = 0;
};
ContainerSize container_size(Engine &eng, const ContainerView &v);

// What a container on `network_mode` sees of its network (empty strings
// where its helper copies the host's addresses).
using NetworkAddresses = network::UserNetAddresses;
NetworkAddresses network_addresses(const std::string &network_mode);

} // namespace skiff::engine
