// Deciding what to launch for a container: its config, its image's layers,
// its volumes and the host's facts in, a supervisor::LaunchPlan out. Pure
// apart from compiling (or reading the cache of) its seccomp program and
// looking up the host's device nodes it names.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "skiff/engine/network_leases.hpp"
#include "skiff/engine/volume_options.hpp"
#include "skiff/runtime/cgroups.hpp"
#include "skiff/storage/container_config.hpp"
#include "skiff/storage/layer_driver.hpp"
#include "skiff/supervisor/launch_plan.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

// What the host and store say, gathered by the caller.
struct HostFacts {
  std::string hostname;      // for --network host
  std::string hosts;         // the host's /etc/hosts, for --network host
  std::string resolv_conf;   // the host's /etc/resolv.conf
  bool rootless = false;     // not root, or in a user namespace: device nodes are bound, not made
  bool in_user_namespace = false;  // overlay needs userxattr
  std::vector<runtime::CgroupMount> cgroup_mounts;  // what /sys/fs/cgroup shows
};

enum class VolumeMountPlace {
  host,       // root: the host's mount namespace
  holder,     // rootless: the mount namespace skiff-userns keeps
  container,  // neither reachable (skiff in someone else's user namespace,
              // a holder made by an older skiff): each container mounts
              // its volumes itself, shared by nobody
};

struct LaunchInputs {
  storage::ContainerConfig config;
  std::vector<std::string> layers;  // the image's layer dirs, bottom first
  std::vector<std::pair<std::string, std::string>> volume_dirs;  // volume name, its _data dir
  // Volumes whose mount keeps nothing once released (a tmpfs): Docker's
  // fill at create is lost, so they are not filled from the image.
  std::set<std::string> unfilled_volumes;
  // Volumes with driver options, by name: what is mounted for them, and
  // where (src/engine/volume_mounts.hpp): on their _data, shared by the
  // containers that bind it (host; holder, through a detached mount the
  // supervisor gets), or by each container for itself (container).
  std::map<std::string, VolumeMount> volume_mounts;
  VolumeMountPlace volume_place = VolumeMountPlace::host;
  std::string container_dir;        // upper/, work/, hosts, hostname, resolv.conf
  std::string log_path;             // the json-file log (Store::container_log_path)
  std::string run_dir;              // rootfs/ (mount point), attach.sock
  storage::DriverKind driver = storage::DriverKind::overlay;  // the one that made the container's root
  std::string root_copy;            // a driver that copies the root: the container's copy
  std::string seccomp_cache;        // compiled seccomp programs
  HostFacts host;
  // Bridge networks: the addresses leased for this start, in the order
  // the config names the networks.
  std::vector<NetworkEndpoint> endpoints;
  std::string network_records;  // ROOT/networks
  // Rootless: where the user's network namespace is kept (its bridges).
  std::string user_netns_dir;
  // --network container:X: its init's namespace, and its container dir
  // (the hosts, hostname and resolv.conf it shares).
  std::string join_netns, shared_files_dir;
};

Result<supervisor::LaunchPlan> plan_launch(const LaunchInputs &in);
// The kernel side of the network an endpoint is on.
network::BridgeNetwork plan_bridge(const NetworkEndpoint &e, const std::string &records_dir);

// The host ports a container publishes (src/engine/port_plan.cpp): its
// -p bindings in order, then with -P every exposed TCP or UDP port without
// one on an ephemeral port of all addresses. None for --network host
// (Docker discards them) or none.
std::vector<network::PortRequest> plan_ports(const storage::ContainerConfig &c);

// Whether a start failed because the host ports plan_ports asked for could
// not be bound (the supervisor's message): `run` then leaves no container.
bool is_publish_failure(const Error &e);

// Docker's masked and read-only /proc and /sys paths.
const std::vector<std::string> &default_masked_paths();
const std::vector<std::string> &default_readonly_paths();

} // namespace skiff::engine
