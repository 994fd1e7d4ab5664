// Deciding what to launch: a container's config and what the store and host
// hold, turned into the plan its supervisor carries out.
#include "skiff/engine/launch_plan.hpp"

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>

#include "skiff/network/endpoint.hpp"
#include "skiff/network/files.hpp"
#include "skiff/network/ipam.hpp"
#include "skiff/network/slirp.hpp"
#include "skiff/network/user_net.hpp"
#include "skiff/runtime/caps.hpp"
#include "skiff/runtime/seccomp_cache.hpp"
#include "skiff/spec/merge.hpp"

namespace skiff::engine {

using runtime::InitSpec;
using runtime::MountOp;

const std::vector<std::string> &default_masked_paths() {
  static const std::vector<std::string> p = [] {
    std::vector<std::string> out = {
        "/proc/asound",       "/proc/acpi",        "/proc/interrupts", "/proc/kcore",
        "/proc/keys",         "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
        "/proc/sched_debug",  "/proc/scsi",        "/sys/firmware",    "/sys/devices/virtual/powercap"};
    // As moby (GHSA-6fw5-f8r9-fgfm): each CPU's thermal_throttle, where the
    // host has them.
    for (long cpu = 0; cpu < ::sysconf(_SC_NPROCESSORS_CONF); cpu++) {
      std::string path = fmt::format("/sys/devices/system/cpu/cpu{}/thermal_throttle", cpu);
      if (::access(path.c_str(), F_OK) == 0)
        out.push_back(path);
    }
    return out;
  }();
  return p;
}

const std::vector<std::string> &default_readonly_paths() {
  static const std::vector<std::string> p = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                             "/proc/sysrq-trigger"};
  return p;
}

namespace {

void add_system_mounts(InitSpec &p, const storage::ContainerConfig &c) {
  using K = MountOp::Kind;
  p.mounts.push_back({K::proc, "proc", "/proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, "", false});
  p.mounts.push_back({K::tmpfs, "tmpfs", "/dev", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"});
  p.mounts.push_back({K::devpts, "devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC,
                      "newinstance,ptmxmode=0666,mode=0620,gid=5"});
  p.mounts.push_back({K::tmpfs, "shm", "/dev/shm", MS_NOSUID | MS_NOEXEC | MS_NODEV,
                      "mode=1777,size=65536k"});
  p.mounts.push_back({K::mqueue, "mqueue", "/dev/mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, ""});
  if (p.new_netns || !p.join_netns.empty())
    p.mounts.push_back({K::sysfs, "sysfs", "/sys", MS_NOSUID | MS_NOEXEC | MS_NODEV, "",
                        !c.privileged});
  else
    // Without a network namespace of its own the container may not mount
    // sysfs; it sees the host's, read-only unless privileged.
    p.mounts.push_back({K::bind, "/sys", "/sys", MS_NOSUID | MS_NOEXEC | MS_NODEV, "",
                        !c.privileged, true});
  for (const char *dev : {"null", "zero", "full", "random", "urandom", "tty"})
    p.mounts.push_back({K::bind, std::string("/dev/") + dev, std::string("/dev/") + dev, 0, "",
                        false});
}

// Docker's rules: --privileged may use every device and gets the host's
// nodes (as root); otherwise the defaults, each --device's nodes with its
// permissions, and each --device-cgroup-rule.
Status add_devices(InitSpec &p, std::vector<runtime::DeviceRule> &rules,
                   const storage::ContainerConfig &c, bool rootless) {
  p.bind_devices = rootless;
  if (c.privileged) {
    rules = {runtime::kAllDevices};
    if (!rootless)
      p.devices = runtime::host_devices();
  } else {
    rules = runtime::default_device_rules();
  }
  for (const auto &d : c.devices) {
    if (c.privileged && d.path_on_host == d.path_in_container)
      continue;  // already there
    for (auto &n : TRY(runtime::devices_from_path(d.path_on_host, d.path_in_container))) {
      if (!c.privileged)
        rules.push_back({n.type, n.major, n.minor, d.cgroup_permissions});
      p.devices.push_back(std::move(n));
    }
  }
  if (!c.privileged)
    for (const auto &r : c.device_cgroup_rules)
      rules.push_back(TRY(runtime::parse_device_rule(r)));
  return {};
}

// Docker's default is rprivate: mounts made later on either side stay there.
unsigned long bind_propagation(const std::vector<std::string> &options) {
  static const std::pair<const char *, unsigned long> modes[] = {
      {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED},
      {"rshared", MS_SHARED | MS_REC}, {"slave", MS_SLAVE}, {"rslave", MS_SLAVE | MS_REC}};
  for (const auto &o : options)
    for (auto [name, flags] : modes)
      if (o == name)
        return flags;
  return MS_PRIVATE | MS_REC;
}

// --tmpfs and --mount type=tmpfs: Docker's noexec,nosuid,nodev unless the
// options say otherwise; flag words become mount flags, the rest data.
MountOp tmpfs_mount(const storage::MountConfig &m) {
  static const std::pair<const char *, std::pair<unsigned long, bool>> words[] = {
      {"ro", {MS_RDONLY, true}},     {"rw", {MS_RDONLY, false}},   {"noexec", {MS_NOEXEC, true}},
      {"exec", {MS_NOEXEC, false}},  {"nosuid", {MS_NOSUID, true}}, {"suid", {MS_NOSUID, false}},
      {"nodev", {MS_NODEV, true}},   {"dev", {MS_NODEV, false}},    {"noatime", {MS_NOATIME, true}},
      {"relatime", {MS_RELATIME, true}}, {"strictatime", {MS_STRICTATIME, true}}};
  unsigned long flags = MS_NOEXEC | MS_NOSUID | MS_NODEV | (m.readonly ? MS_RDONLY : 0);
  std::string data;
  bool has_mode = false;
  for (const auto &o : m.options) {
    auto w = std::find_if(std::begin(words), std::end(words), [&](const auto &x) { return o == x.first; });
    if (w != std::end(words)) {
      flags = w->second.second ? flags | w->second.first : flags & ~w->second.first;
      continue;
    }
    has_mode = has_mode || o.rfind("mode=", 0) == 0;
    data += (data.empty() ? "" : ",") + o;
  }
  if (!has_mode)
    data = "mode=1777" + (data.empty() ? "" : "," + data);
  return {MountOp::Kind::tmpfs, "tmpfs", m.destination, flags, data, false};
}

// The user's mounts, parents before children ("/data" before "/data/sub"),
// as Docker sorts them; volumes bound from their directories.
void add_user_mounts(InitSpec &p, const LaunchInputs &in) {
  std::vector<storage::MountConfig> user_mounts = in.config.mounts;
  std::stable_sort(user_mounts.begin(), user_mounts.end(), [](const auto &a, const auto &b) {
    return std::count(a.destination.begin(), a.destination.end(), '/') <
           std::count(b.destination.begin(), b.destination.end(), '/');
  });
  for (const auto &m : user_mounts) {
    if (m.type == "tmpfs") {
      p.mounts.push_back(tmpfs_mount(m));
      continue;
    }
    std::string src = m.source;
    if (auto own = in.volume_mounts.find(m.source);
        m.type == "volume" && in.volume_place == VolumeMountPlace::container && own != in.volume_mounts.end()) {
      const VolumeMount &vm = own->second;
      bool ro = m.readonly || (vm.flags & MS_RDONLY);
      if (vm.flags & MS_BIND)
        p.mounts.push_back({MountOp::Kind::bind, vm.device, m.destination, 0, "", ro, (vm.flags & MS_REC) != 0,
                            false, vm.propagation, false});
      else
        p.mounts.push_back({MountOp::Kind::filesystem, vm.device, m.destination, vm.flags & ~(MS_RDONLY | MS_REC),
                            vm.data, ro, false, false, vm.propagation, false, vm.type});
      continue;
    }
    if (m.type == "volume") {
      for (const auto &[name, dir] : in.volume_dirs)
        if (name == m.source)
          src = dir;
    }
    bool nocopy = std::find(m.options.begin(), m.options.end(), "nocopy") != m.options.end() ||
                  (m.type == "volume" && in.unfilled_volumes.count(m.source));
    p.mounts.push_back({MountOp::Kind::bind, src, m.destination, 0, "", m.readonly, true,
                        m.type == "volume" && !nocopy, bind_propagation(m.options),
                        m.type == "bind" && m.create_source});
  }
}

// The container's first process: its root, mounts, devices, identity and
// confinement.
Result<InitSpec> plan_init(const LaunchInputs &in, std::vector<runtime::DeviceRule> &device_rules) {
  const auto &c = in.config;
  InitSpec p;
  p.rootfs = in.run_dir + "/rootfs";
  p.lower.assign(in.layers.rbegin(), in.layers.rend());
  p.upper = in.container_dir + "/upper";
  p.work = in.container_dir + "/work";
  p.userxattr = in.host.in_user_namespace;
  p.driver = in.driver;
  if (storage::layer_driver(in.driver).copies_root)
    p.copy_root = in.root_copy;
  p.new_netns = c.network != "host" && in.join_netns.empty();
  p.join_netns = in.join_netns;
  p.keep_id = c.userns == "keep-id";
  p.keep_uid = c.keep_id_uid;
  p.keep_gid = c.keep_id_gid;
  p.hostname = c.network == "host" ? "" : c.hostname;  // host: the host's, left alone
  p.argv = c.argv();
  if (p.argv.empty())
    return make_error(Errc::invalid, "no command specified");
  p.env = spec::process_env(c.env, c.tty, c.network == "host" ? in.host.hostname : c.hostname);
  p.cwd = c.working_dir.empty() ? "/" : c.working_dir;
  p.user = c.user;
  p.group_add = c.group_add;
  p.tty = c.tty;
  p.init = c.init;
  p.read_only = c.read_only;
  p.no_new_privileges = c.no_new_privileges;
  p.ulimits = c.ulimits;
  auto caps = TRY(runtime::effective_caps(c.cap_add, c.cap_drop, c.privileged));
  p.caps = runtime::cap_numbers(caps);
  if (c.seccomp != "unconfined" && !c.privileged)
    p.seccomp = TRY(runtime::seccomp_program(in.seccomp_cache, c.seccomp, caps));
  if (!c.privileged) {
    p.masked_paths = default_masked_paths();
    p.readonly_paths = default_readonly_paths();
  }
  add_system_mounts(p, c);
  TRY_STATUS(add_devices(p, device_rules, c, in.host.rootless));
  p.cgroups = in.host.cgroup_mounts;
  p.cgroups_writable = c.privileged;
  add_user_mounts(p, in);
  // Last, so they show even over a volume mounted on /etc.
  const std::string &files = in.shared_files_dir.empty() ? in.container_dir : in.shared_files_dir;
  for (const char *f : {"hosts", "hostname", "resolv.conf"})
    p.mounts.push_back({MountOp::Kind::bind, files + "/" + f, std::string("/etc/") + f, 0, "", false});
  return p;
}

// /etc/hostname, /etc/hosts and /etc/resolv.conf: the host's with
// --network host, else the container's name and address, and the host's
// name servers with loopback ones pointed at the helper's DNS forwarder.
std::vector<supervisor::PlannedFile> plan_files(const LaunchInputs &in, const std::string &helper) {
  const auto &c = in.config;
  bool host_net = c.network == "host";
  auto addresses = network::user_net_addresses(helper);
  network::DnsOverrides dns{c.dns, c.dns_search, c.dns_options};
  if (!in.endpoints.empty()) {
    const auto &first = in.endpoints[0];
    addresses.address = first.ip;
    // A user-defined network's names are served by its DNS server, on
    // the gateway; it forwards other names to the host's servers.
    if (first.user_defined) {
      dns.servers.insert(dns.servers.begin(), first.gateway);
      addresses.dns = first.gateway;
    }
  }
  std::string hostname = host_net ? in.host.hostname : c.hostname;
  // --add-host NAME:host-gateway: the host as the container reaches it
  // (its address on the first bridge, libslirp's 10.0.2.2; the host's
  // loopback when they share the host's network).
  std::string gateway = !in.endpoints.empty() ? in.endpoints[0].gateway
                        : !addresses.gateway.empty() ? addresses.gateway
                                                     : "127.0.0.1";
  std::vector<std::string> extra_hosts = c.extra_hosts;
  for (auto &h : extra_hosts)
    if (auto colon = h.find(':'); colon != std::string::npos && h.substr(colon + 1) == spec::kHostGateway)
      h = h.substr(0, colon + 1) + gateway;
  std::string hosts = in.host.hosts;
  if (host_net && !c.extra_hosts.empty()) {
    if (!hosts.empty() && hosts.back() != '\n')
      hosts += '\n';
    hosts += network::extra_host_lines(extra_hosts);
  } else if (!host_net) {
    hosts = network::hosts_file(hostname, addresses.address.empty() ? "127.0.1.1" : addresses.address,
                                extra_hosts);
  }
  std::string resolv = c.network == "none" ? std::string() : network::resolv_conf(in.host.resolv_conf, addresses.dns, dns);
  const std::string &d = in.container_dir;
  return {{d + "/hostname", hostname + "\n"}, {d + "/hosts", std::move(hosts)}, {d + "/resolv.conf", std::move(resolv)}};
}

} // namespace

network::BridgeNetwork plan_bridge(const NetworkEndpoint &e, const std::string &records_dir) {
  network::BridgeNetwork b;
  b.id = e.network_id;
  if (!records_dir.empty())
    b.record = records_dir + "/" + e.network_id + ".json";
  b.bridge = e.bridge;
  b.internal = e.internal;
  b.masquerade = e.masquerade;
  b.mtu = e.mtu;
  for (const auto &[gateway, prefix] : {std::pair{e.gateway, e.prefix_len}, std::pair{e.gateway6, e.prefix_len6}}) {
    if (gateway.empty())
      continue;
    auto gw = fmt::format("{}/{}", gateway, prefix);
    b.gateways.push_back(gw);
    b.subnets.push_back(network::format_cidr(network::network_of(*network::parse_cidr(gw))));
  }
  return b;
}

namespace {

// Each network's veth pair: eth0, eth1, ... in the order asked; the
// first network that is not internal gets the default routes.
void plan_endpoints(const LaunchInputs &in, supervisor::LaunchPlan &plan) {
  bool routed = false;
  for (size_t i = 0; i < in.endpoints.size(); i++) {
    const auto &e = in.endpoints[i];
    network::Endpoint ep;
    // A rootless bridge is in the user's namespace, which ends with its
    // holder: no record to sweep it by (and /sys shows the host's).
    ep.network = plan_bridge(e, in.user_netns_dir.empty() ? in.network_records : "");
    ep.veth = network::veth_name(in.config.id, e.network_id);
    ep.mac = e.mac;
    ep.inside.name = fmt::format("eth{}", i);
    auto add = [&](const std::string &ip, const std::string &gateway, int prefix) {
      if (ip.empty())
        return;
      ep.inside.addresses.push_back(fmt::format("{}/{}", ip, prefix));
      if (!routed && !e.internal)
        ep.inside.gateways.push_back(gateway);
    };
    add(e.ip, e.gateway, e.prefix_len);
    add(e.ip6, e.gateway6, e.prefix_len6);
    routed = routed || !e.internal;
    plan.init.interfaces.push_back(ep.inside);
    plan.network.endpoints.push_back(std::move(ep));
  }
}

} // namespace

Result<supervisor::LaunchPlan> plan_launch(const LaunchInputs &in) {
  const auto &c = in.config;
  supervisor::LaunchPlan plan;
  plan.id = c.id;
  plan.name = c.name;
  plan.network.helper = network::user_net_helper(c.network);
  plan.network.ports = plan_ports(c);
  plan.init = TRY(plan_init(in, plan.cgroup.device_rules));
  if (plan.network.helper == "slirp")
    plan.init.tap = network::slirp_tap_config();
  plan_endpoints(in, plan);
  if (!plan.network.endpoints.empty())
    plan.network.user_netns_dir = in.user_netns_dir;
  plan.dirs = {plan.init.rootfs, plan.init.upper, plan.init.work};
  if (in.shared_files_dir.empty())
    plan.files = plan_files(in, plan.network.helper);
  plan.cgroup.name = c.id;
  plan.cgroup.limits = {c.limits.memory, c.limits.memory_swap, c.limits.cpus, c.limits.pids};
  plan.run_dir = in.run_dir;
  if (c.log_driver == "json-file")
    plan.log_path = in.log_path;
  plan.stdin_pipe = c.open_stdin && !c.tty;
  plan.exit = {c.restart, c.auto_remove};
  return plan;
}

} // namespace skiff::engine
