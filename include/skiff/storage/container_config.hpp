// What a container is made of, as written at create time (config.json), and
// what happened to it since (state.json). Both are plain data with a JSON
// form; the engine builds them and the runtime reads them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/image/healthcheck.hpp"
#include "skiff/storage/layer_driver.hpp"
#include "skiff/util/result.hpp"

namespace skiff::storage {

struct MountConfig {
  std::string type;         // "bind", "volume", "tmpfs"
  std::string source;       // host path, or volume name
  std::string destination;  // absolute path in the container
  bool readonly = false;
  bool anonymous = false;   // volume made for this container (removed by rm -v)
  std::vector<std::string> options;  // tmpfs: "size=64m", "mode=1777"; bind: propagation
  // Which flag asked for it, as inspect shows each apart (Binds or
  // Config.Volumes, HostConfig.Mounts, HostConfig.Tmpfs): "volume"
  // (-v), "mount" (--mount), "tmpfs" (--tmpfs), "image" (a VOLUME of the
  // image). Empty in configs written before it was recorded.
  std::string origin;
  std::string mode;  // -v's third field as written ("ro", "ro,rshared")
  // A -v bind: a missing host path is made as a directory at start, as
  // Docker does; a --mount bind's source must exist.
  bool create_source = false;
  // --mount's volume-driver and volume-opt: how a volume this mount makes
  // is created (Docker's VolumeOptions.DriverConfig).
  std::string volume_driver{};
  std::map<std::string, std::string> volume_options{};
};

// --device: a host node (or directory of nodes) made at a path in the
// container with these cgroup permissions, as Docker's HostConfig.Devices.
struct DeviceMapping {
  std::string path_on_host;
  std::string path_in_container;
  std::string cgroup_permissions = "rwm";
};

struct Ulimit {
  std::string name;  // "nofile"
  int64_t soft = 0;
  int64_t hard = 0;
};

struct RestartPolicy {
  std::string name = "no";  // no, on-failure, always, unless-stopped
  int max_retries = 0;
};

// A network the container joins (--network NAME), and what it asked for there.
struct NetworkAttachment {
  std::string network;               // the network's ID
  std::vector<std::string> aliases;  // --network-alias
  std::string ip, ip6, mac;          // requested; empty: allocated at start
  bool operator==(const NetworkAttachment &) const = default;
};

struct Limits {
  std::optional<int64_t> memory;
  std::optional<int64_t> memory_swap;
  std::optional<double> cpus;
  std::optional<int64_t> pids;
};

// -p: one host side of a container port, as HostConfig.PortBindings keeps
// it (nat.ParsePortSpec's PortBinding), under its port ("80/tcp").
struct PortBinding {
  std::string port;       // "80/tcp"
  std::string host_ip;    // "" all addresses; an IPv6 one without brackets
  std::string host_port;  // "" any free port; "8080"; "8000-8010" the first free one of a range
  bool operator==(const PortBinding &) const = default;
};

// A host port a running container's forwarder holds, as
// NetworkSettings.Ports shows it: an "all addresses" binding is two, on
// 0.0.0.0 and ::, and an ephemeral one has its port filled in.
struct PublishedPort {
  std::string port;      // "80/tcp"
  std::string host_ip;   // "0.0.0.0", "::", "127.0.0.1", "::1"
  int host_port = 0;
  bool operator==(const PublishedPort &) const = default;
};

struct ContainerConfig {
  std::string id;
  std::string name;
  std::string image_id;     // hex of the image's config digest
  std::string image_name;   // as the user wrote it ("busybox")
  // The store's layer driver, which made its root; none in a config
  // written before drivers were recorded (the store's then).
  std::optional<DriverKind> storage_driver;
  int64_t created = 0;      // ns since epoch
  std::vector<std::string> entrypoint;  // effective, after --entrypoint
  std::vector<std::string> cmd;         // effective
  std::vector<std::string> env;         // image env merged with -e, --env-file
  std::string working_dir;
  std::string user;
  std::vector<std::string> group_add;  // names or IDs, resolved in the container at start
  std::string hostname;
  std::vector<std::string> extra_hosts;  // "name:ip", checked: lines of /etc/hosts
  // --dns, --dns-search, --dns-option: over the host's resolv.conf lines.
  std::vector<std::string> dns, dns_search, dns_options;
  std::map<std::string, std::string> labels;
  bool tty = false;
  bool open_stdin = false;
  bool init = false;
  bool read_only = false;
  bool privileged = false;
  bool no_new_privileges = false;
  bool auto_remove = false;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::string seccomp;      // "" default profile, "unconfined", or a profile's JSON
  // The network mode: "bridge" (the networks below), "default" (rootless:
  // a user-mode helper of its own), "none", "host", "container:<id>",
  // "slirp4netns", "pasta".
  std::string network;
  std::vector<NetworkAttachment> networks;
  std::vector<std::string> links;  // --link "<container id>:<alias>"
  std::string userns;       // "", "keep-id", "host"
  uint32_t keep_id_uid = 0; // with keep-id: the invoking user's IDs
  uint32_t keep_id_gid = 0;
  std::vector<MountConfig> mounts;
  std::vector<Ulimit> ulimits;
  std::vector<DeviceMapping> devices;
  std::vector<std::string> device_cgroup_rules;  // "c 1:3 rwm"
  Limits limits;
  RestartPolicy restart;
  std::string stop_signal;  // empty: not set (SIGTERM)
  int stop_timeout = 10;
  bool stop_timeout_set = false;  // --stop-timeout given (Docker shows StopTimeout then only)
  // The streams `run`/`create` attached, as Docker records them in Config.
  bool attach_stdin = false;
  bool attach_stdout = false;
  bool attach_stderr = false;
  bool stdin_once = false;
  std::vector<std::string> exposed_ports;  // "80/tcp": the image's, --expose's and -p's, sorted
  std::vector<PortBinding> port_bindings;  // -p, ranges expanded, in the order given
  bool publish_all = false;                // -P: every exposed port on an ephemeral host port
  std::optional<image::Healthcheck> healthcheck;  // none: no HEALTHCHECK (none in older configs)
  std::string log_driver = "json-file";  // or "none": no log is kept
  // The image's layers (chain IDs, bottom first) and their size, kept here
  // once `rmi -f` deleted the image while this stopped container uses it,
  // as Docker's container keeps its layers: gc keeps them, start mounts
  // them. Empty while the image record exists.
  std::vector<std::string> image_layers;
  int64_t image_size = 0;

  std::vector<std::string> argv() const;  // entrypoint + cmd
  nlohmann::json to_json() const;
  // config.json; every field is checked by type, and a problem names
  // `source` (the file) and the field.
  static Result<ContainerConfig> parse(std::string_view text, const std::string &source);
};

enum class RunStatus { created, running, paused, restarting, removing, exited, dead };
std::string status_name(RunStatus s);

struct ContainerState {
  RunStatus status = RunStatus::created;
  int pid = 0;                  // container init, host view
  uint64_t pid_start = 0;       // its start time (clock ticks) against pid reuse
  int supervisor_pid = 0;
  uint64_t supervisor_start = 0;
  int exit_code = 0;
  std::string error;
  int64_t started_at = 0;
  int64_t finished_at = 0;
  int restart_count = 0;
  bool oom_killed = false;
  std::vector<PublishedPort> ports;  // while running: the host ports its forwarder holds

  nlohmann::json to_json() const;
  // state.json, checked as ContainerConfig::parse checks config.json.
  static Result<ContainerState> parse(std::string_view text, const std::string &source);
};

} // namespace skiff::storage
