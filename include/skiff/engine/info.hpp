// What `info` and `inspect` show of this host's skiff: counts, the layer
// driver and the directories it makes roots of, the networks' addresses.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/network/user_net.hpp"

namespace skiff::engine {

// What `info` reports, with Docker's meanings (moby api/types/system
// Info); the CLI lays it out as Docker's JSON and text.
struct SystemInfo {
  std::string id;  // a UUID made once per store, as Docker's engine-id
  size_t containers = 0, running = 0, paused = 0, stopped = 0;  // running includes restarting
  size_t images = 0;
  std::string driver;
  std::vector<std::pair<std::string, std::string>> driver_status;
  bool memory_limit = false, swap_limit = false, cpu_cfs = false, pids_limit = false;
  bool ipv4_forwarding = false;
  int nfd = 0;
  std::string system_time;  // RFC 3339 with nanoseconds
  std::string cgroup_driver, cgroup_version;
  std::string kernel_version, operating_system, os_version, architecture;
  std::vector<std::string> insecure_registries;  // registries.conf's insecure ones
  long ncpu = 0;
  int64_t mem_total = 0;
  std::string root_dir;
  std::string http_proxy, https_proxy, no_proxy;
  std::string name;  // the hostname
  std::string runtime_path;  // skiff's own runtime: this binary
  std::vector<std::string> security_options;
  std::vector<std::string> warnings;
};
// Best effort, as docker info: what cannot be read counts as none.
SystemInfo system_info(Engine &eng);

// The pure parts, tested alone.
struct OsRelease {
  std::string pretty_name = "Linux";  // os-release(5)'s default
  std::string version_id;
};
// os-release(5) text: KEY=value lines, values quoted as the shell reads them.
OsRelease parse_os_release(std::string_view text);
// moby's name of the filesystem with this statfs magic ("extfs", "xfs",
// ...), "<unknown>" for others.
std::string backing_fs_name(int64_t magic);
// A proxy URL with its credentials masked, as Docker shows it.
std::string mask_proxy_credentials(std::string_view url);
// Docker's SecurityOptions: the built-in seccomp profile, rootless, and
// cgroupns (every container gets its own cgroup namespace).
std::vector<std::string> security_options(bool rootless);
// Docker's warning when rootless runs without cgroups (moby daemon/info_unix.go).
std::vector<std::string> info_warnings(bool rootless, bool cgroups, const std::string &cgroup_version);

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
// Its json-file log's path (Docker's LogPath).
std::string container_log_path(Engine &eng, const ContainerView &v);

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
