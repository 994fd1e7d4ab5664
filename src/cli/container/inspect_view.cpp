// A container's inspect JSON: the Engine API's ContainerJSON (API 1.43,
// Docker 24) with every key Docker emits, Docker's empty values where
// skiff has nothing to show, and values as Docker's CLI and daemon record
// them (moby's api/types, daemon/inspect.go, daemon/daemon_unix.go).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>

#include "../image/views.hpp"
#include "skiff/cli/inspect_values.hpp"
#include "skiff/cli/port_views.hpp"
#include "skiff/engine/container_filter.hpp"
#include "skiff/engine/launch_plan.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "skiff/util/units.hpp"
#include "views.hpp"

namespace skiff::cli {

using nlohmann::json;
using engine::RunStatus;

namespace {

json strings_or_null(const std::vector<std::string> &v) { return v.empty() ? json(nullptr) : json(v); }

// Configs written before mounts recorded their flag: what the type says.
std::string origin_of(const engine::MountConfig &m) {
  if (!m.origin.empty())
    return m.origin;
  return m.type == "tmpfs" ? "tmpfs" : "volume";
}

std::string propagation_of(const engine::MountConfig &m) {
  for (const char *p : {"private", "rprivate", "shared", "rshared", "slave", "rslave"})
    if (std::find(m.options.begin(), m.options.end(), p) != m.options.end())
      return p;
  return "";
}

bool has_option(const engine::MountConfig &m, const char *o) {
  return std::find(m.options.begin(), m.options.end(), o) != m.options.end();
}

// MountPoint: what is mounted where. Docker shows the empty mode of a
// named -v volume or a --mount volume as "z" (moby's setBindModeIfNull),
// not an anonymous -v or image one's; binds default to rprivate.
json mount_point(const engine::MountConfig &m, const std::string &root) {
  std::string origin = origin_of(m);
  std::string mode = m.mode;
  if (m.type == "volume" && mode.empty() && (origin == "mount" || (origin == "volume" && !m.anonymous)))
    mode = "z";
  std::string propagation = propagation_of(m);
  json j = {{"Type", m.type},
            {"Destination", m.destination},
            {"Mode", mode},
            {"RW", !m.readonly},
            {"Propagation", m.type == "bind" && propagation.empty() ? "rprivate" : propagation}};
  if (m.type == "volume") {
    j["Name"] = m.source;
    j["Source"] = root + "/volumes/" + m.source + "/_data";
    j["Driver"] = "local";
  } else {
    j["Source"] = m.source;
  }
  return j;
}

std::optional<long> octal(const std::string &s) {
  char *end = nullptr;
  long v = std::strtol(s.c_str(), &end, 8);
  return !s.empty() && *end == 0 ? std::optional<long>(v) : std::nullopt;
}

// HostConfig.Mounts: a --mount as the API's mount.Mount.
json api_mount(const engine::MountConfig &m) {
  json j = {{"Type", m.type}, {"Target", m.destination}};
  if (!m.source.empty() && !m.anonymous)
    j["Source"] = m.source;
  if (m.readonly)
    j["ReadOnly"] = true;
  if (auto p = propagation_of(m); !p.empty())
    j["BindOptions"] = {{"Propagation", p}};
  json volume = json::object();
  if (has_option(m, "nocopy"))
    volume["NoCopy"] = true;
  json driver = json::object();
  if (!m.volume_driver.empty())
    driver["Name"] = m.volume_driver;
  if (!m.volume_options.empty())
    driver["Options"] = m.volume_options;
  if (!driver.empty())
    volume["DriverConfig"] = driver;
  if (!volume.empty())
    j["VolumeOptions"] = volume;
  if (m.type == "tmpfs") {
    json t = json::object();
    for (const auto &o : m.options) {
      if (o.rfind("size=", 0) == 0)
        if (auto bytes = units::parse_ram(o.substr(5)))
          t["SizeBytes"] = *bytes;
      if (o.rfind("mode=", 0) == 0)
        if (auto mode = octal(o.substr(5)))
          t["Mode"] = *mode;
    }
    if (!t.empty())
      j["TmpfsOptions"] = t;
  }
  return j;
}

json security_opt(const engine::ContainerConfig &c) {
  json out = json::array();
  if (c.no_new_privileges)
    out.push_back("no-new-privileges");
  if (!c.seccomp.empty())
    out.push_back("seccomp=" + c.seccomp);  // Docker's CLI sends a profile's JSON in place of its file
  return out.empty() ? json(nullptr) : out;
}

std::string network_mode(const engine::ContainerConfig &c, const std::vector<engine::ContainerNetwork> &nets) {
  if (c.network == "bridge")
    return nets.empty() ? "bridge" : nets[0].name;
  return engine::network_name(c.network);
}

json host_config(const engine::ContainerConfig &c, const std::vector<engine::ContainerNetwork> &networks) {
  json binds = json::array(), mounts = json::array();
  std::map<std::string, std::string> tmpfs;
  for (const auto &m : c.mounts) {
    std::string origin = origin_of(m);
    if (origin == "tmpfs")
      tmpfs[m.destination] = str::join(m.options, ",");
    else if (origin == "mount")
      mounts.push_back(api_mount(m));
    else if (origin == "volume" && !m.anonymous)
      binds.push_back(m.source + ":" + m.destination + (m.mode.empty() ? "" : ":" + m.mode));
  }
  auto caps = docker_caps(c.cap_add, c.cap_drop);
  json ulimits = json::array();
  for (const auto &u : c.ulimits)
    ulimits.push_back({{"Name", u.name}, {"Soft", u.soft}, {"Hard", u.hard}});
  json devices = json::array();
  for (const auto &d : c.devices)
    devices.push_back({{"PathOnHost", d.path_on_host},
                       {"PathInContainer", d.path_in_container},
                       {"CgroupPermissions", d.cgroup_permissions}});
  json h = {
      {"Binds", binds.empty() ? json(nullptr) : binds},
      {"ContainerIDFile", ""},
      {"LogConfig", {{"Type", c.log_driver}, {"Config", json::object()}}},
      {"NetworkMode", network_mode(c, networks)},
      {"PortBindings", port_bindings_json(c)},
      {"RestartPolicy", {{"Name", c.restart.name}, {"MaximumRetryCount", c.restart.max_retries}}},
      {"AutoRemove", c.auto_remove},
      {"VolumeDriver", ""},
      {"VolumesFrom", nullptr},
      {"ConsoleSize", {0, 0}},
      {"CapAdd", strings_or_null(caps.add)},
      {"CapDrop", strings_or_null(caps.drop)},
      // Its own cgroup, IPC and PID namespaces, as Docker's defaults on cgroup v2.
      {"CgroupnsMode", "private"},
      {"Dns", c.dns},
      {"DnsOptions", c.dns_options},
      {"DnsSearch", c.dns_search},
      {"ExtraHosts", strings_or_null(c.extra_hosts)},
      {"GroupAdd", strings_or_null(c.group_add)},
      {"IpcMode", "private"},
      {"Cgroup", ""},
      {"Links", nullptr},
      {"OomScoreAdj", 0},
      {"PidMode", ""},
      {"Privileged", c.privileged},
      {"PublishAllPorts", c.publish_all},
      {"ReadonlyRootfs", c.read_only},
      {"SecurityOpt", security_opt(c)},
      {"UTSMode", ""},
      {"UsernsMode", c.userns},
      {"ShmSize", 67108864},  // the 64 MiB /dev/shm every container gets
      {"Runtime", "skiff"},   // built in: info's DefaultRuntime
      {"Isolation", ""},
      // Resources
      {"CpuShares", 0},
      {"Memory", c.limits.memory.value_or(0)},
      {"NanoCpus", static_cast<int64_t>(c.limits.cpus.value_or(0) * 1e9)},
      {"CgroupParent", ""},
      {"BlkioWeight", 0},
      {"BlkioWeightDevice", json::array()},
      {"BlkioDeviceReadBps", json::array()},
      {"BlkioDeviceWriteBps", json::array()},
      {"BlkioDeviceReadIOps", json::array()},
      {"BlkioDeviceWriteIOps", json::array()},
      {"CpuPeriod", 0},
      {"CpuQuota", 0},
      {"CpuRealtimePeriod", 0},
      {"CpuRealtimeRuntime", 0},
      {"CpusetCpus", ""},
      {"CpusetMems", ""},
      {"Devices", devices},
      {"DeviceCgroupRules", strings_or_null(c.device_cgroup_rules)},
      {"DeviceRequests", nullptr},
      {"MemoryReservation", 0},
      {"MemorySwap", docker_memory_swap(c.limits)},
      {"MemorySwappiness", nullptr},
      {"OomKillDisable", nullptr},
      {"PidsLimit", c.limits.pids ? json(*c.limits.pids) : json(nullptr)},
      {"Ulimits", ulimits.empty() ? json(nullptr) : ulimits},
      {"CpuCount", 0},
      {"CpuPercent", 0},
      {"IOMaximumIOps", 0},
      {"IOMaximumBandwidth", 0},
      // A privileged container has none masked or read-only, as Docker.
      {"MaskedPaths", c.privileged ? json(nullptr) : json(engine::default_masked_paths())},
      {"ReadonlyPaths", c.privileged ? json(nullptr) : json(engine::default_readonly_paths())}};
  if (!tmpfs.empty())
    h["Tmpfs"] = tmpfs;
  if (!mounts.empty())
    h["Mounts"] = mounts;
  if (c.init)
    h["Init"] = true;
  return h;
}

json config_json(const engine::ContainerConfig &c) {
  json exposed = json::object();
  for (const auto &p : c.exposed_ports)
    exposed[p] = json::object();
  // Anonymous volumes, of -v or the image, are Config.Volumes; a --mount
  // one is in HostConfig.Mounts.
  json volumes = json::object();
  for (const auto &m : c.mounts)
    if (m.type == "volume" && m.anonymous && origin_of(m) != "mount")
      volumes[m.destination] = json::object();
  json j = {{"Hostname", c.hostname},
            {"Domainname", ""},
            {"User", c.user},
            {"AttachStdin", c.attach_stdin},
            {"AttachStdout", c.attach_stdout},
            {"AttachStderr", c.attach_stderr},
            {"Tty", c.tty},
            {"OpenStdin", c.open_stdin},
            {"StdinOnce", c.stdin_once},
            {"Env", c.env},
            {"Cmd", strings_or_null(c.cmd)},
            {"Image", c.image_name},
            {"Volumes", volumes.empty() ? json(nullptr) : volumes},
            {"WorkingDir", c.working_dir},
            {"Entrypoint", strings_or_null(c.entrypoint)},
            {"OnBuild", nullptr},
            {"Labels", c.labels}};
  if (!exposed.empty())
    j["ExposedPorts"] = exposed;
  if (c.healthcheck)
    j["Healthcheck"] = c.healthcheck->to_json();
  if (!c.stop_signal.empty())
    j["StopSignal"] = c.stop_signal;
  if (c.stop_timeout_set)
    j["StopTimeout"] = c.stop_timeout;
  return j;
}

// API 1.43's EndpointSettings (Docker 24), in 25+'s key order.
json endpoint_json(const std::string &network_id, const std::vector<std::string> &aliases,
                   const engine::NetworkAddresses &a, const std::string &mac, const std::string &endpoint_id) {
  return {{"IPAMConfig", nullptr},
          {"Links", nullptr},
          {"Aliases", aliases.empty() ? json(nullptr) : json(aliases)},
          {"MacAddress", mac},
          {"DriverOpts", nullptr},
          {"NetworkID", network_id},
          {"EndpointID", endpoint_id},
          {"Gateway", a.gateway},
          {"IPAddress", a.address},
          {"IPPrefixLen", a.prefix_len},
          {"IPv6Gateway", ""},
          {"GlobalIPv6Address", ""},
          {"GlobalIPv6PrefixLen", 0}};
}

// Docker's NetworkSettings: an endpoint per network; the top-level
// addresses are those on the default network ("bridge") alone.
json network_settings(const engine::ContainerConfig &c, const std::vector<engine::ContainerNetwork> &nets,
                      const engine::ContainerState &s) {
  json networks = json::object();
  engine::NetworkAddresses top;
  std::string top_mac, top_endpoint, bridge;
  if (c.network == "bridge") {
    for (const auto &n : nets) {
      engine::NetworkAddresses a;
      std::string mac, endpoint_id;
      if (n.endpoint) {
        a = {n.endpoint->ip, n.endpoint->gateway, "", n.endpoint->prefix_len};
        mac = n.endpoint->mac;
        endpoint_id = n.endpoint->endpoint_id;
      }
      if (n.name == "bridge") {
        top = a;
        top_mac = mac;
        top_endpoint = endpoint_id;
      }
      networks[n.name] = endpoint_json(n.id, n.aliases, a, mac, endpoint_id);
    }
  } else if (c.network != "none" && c.network.rfind("container:", 0) != 0) {
    std::string net = engine::network_name(c.network);
    auto a = engine::network_addresses(c.network);
    networks[net] = endpoint_json(net, {}, a, "", "");
    if (c.network == "default")
      top = a;
  } else if (c.network == "none") {
    networks["none"] = endpoint_json("none", {}, {}, "", "");
  }
  return {{"Bridge", bridge},
          {"SandboxID", ""},
          {"HairpinMode", false},
          {"LinkLocalIPv6Address", ""},
          {"LinkLocalIPv6PrefixLen", 0},
          {"Ports", network_ports_json(c, s, s.status == RunStatus::running || s.status == RunStatus::paused)},
          {"SandboxKey", ""},
          {"SecondaryIPAddresses", nullptr},
          {"SecondaryIPv6Addresses", nullptr},
          {"EndpointID", top_endpoint},
          {"Gateway", top.gateway},
          {"GlobalIPv6Address", ""},
          {"GlobalIPv6PrefixLen", 0},
          {"IPAddress", top.address},
          {"IPPrefixLen", top.prefix_len},
          {"IPv6Gateway", ""},
          {"MacAddress", top_mac},
          {"Networks", networks}};
}

} // namespace

DockerCaps docker_caps(const std::vector<std::string> &add, const std::vector<std::string> &drop) {
  auto normalize = [](const std::vector<std::string> &caps) {
    std::set<std::string> out;
    for (const auto &c : caps) {
      std::string n(str::trim(c));
      std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return std::toupper(ch); });
      if (n != "ALL" && n.rfind("CAP_", 0) != 0)
        n = "CAP_" + n;
      out.insert(n);
    }
    if (out.count("ALL"))
      out = {"ALL"};
    return out;
  };
  auto a = normalize(add), d = normalize(drop);
  DockerCaps caps{{a.begin(), a.end()}, {}};
  for (const auto &c : d)
    if (!a.count(c))
      caps.drop.push_back(c);
  return caps;
}

// skiff applies the same swap limit (runtime's memory_swap_total).
int64_t docker_memory_swap(const engine::Limits &l) {
  if (l.memory_swap && *l.memory_swap != 0)
    return *l.memory_swap;
  return l.memory && *l.memory > 0 ? 2 * *l.memory : 0;
}

json inspect_json(const engine::ContainerView &v, const engine::Options &opts, const engine::GraphDriver &driver,
                  const std::string &log_path, const std::optional<engine::ContainerSize> &size,
                  const std::vector<engine::ContainerNetwork> &networks) {
  const auto &c = v.config;
  const auto &s = v.state;
  bool running = s.status == RunStatus::running;
  json state = {{"Status", engine::status_name(s.status)},
                {"Running", running},
                {"Paused", s.status == RunStatus::paused},
                {"Restarting", s.status == RunStatus::restarting},
                {"OOMKilled", s.oom_killed},
                {"Dead", s.status == RunStatus::dead},
                {"Pid", running ? s.pid : 0},
                {"ExitCode", s.exit_code},
                {"Error", s.error},
                {"StartedAt", timefmt::rfc3339nano(s.started_at)},
                {"FinishedAt", timefmt::rfc3339nano(s.finished_at)}};
  // --tmpfs is HostConfig.Tmpfs alone, as Docker shows it.
  json mounts = json::array();
  for (const auto &m : c.mounts)
    if (origin_of(m) != "tmpfs")
      mounts.push_back(mount_point(m, opts.root));
  auto argv = c.argv();
  std::vector<std::string> args(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  std::string dir = opts.root + "/containers/" + c.id;
  json j = {{"Id", c.id},
            {"Created", timefmt::rfc3339nano(c.created)},
            {"Path", argv.empty() ? "" : argv[0]},
            {"Args", args},
            {"State", state},
            {"Image", "sha256:" + c.image_id},
            {"ResolvConfPath", dir + "/resolv.conf"},
            {"HostnamePath", dir + "/hostname"},
            {"HostsPath", dir + "/hosts"},
            {"LogPath", c.log_driver == "none" ? "" : log_path},
            {"Name", "/" + c.name},
            {"RestartCount", s.restart_count},
            {"Driver", driver.name},
            {"Platform", "linux"},
            {"MountLabel", ""},
            {"ProcessLabel", ""},
            {"AppArmorProfile", ""},  // skiff confines with seccomp and capabilities, not AppArmor
            {"ExecIDs", nullptr},     // exec sessions are not kept as objects
            {"HostConfig", host_config(c, networks)},
            {"GraphDriver", graph_driver_json(driver)},
            {"Mounts", mounts},
            {"Config", config_json(c)},
            {"NetworkSettings", network_settings(c, networks, s)}};
  if (size) {
    j["SizeRw"] = size->rw;
    j["SizeRootFs"] = size->root_fs;
  }
  return j;
}

} // namespace skiff::cli
