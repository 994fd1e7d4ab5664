// Builds a LaunchPlan from a container's config: pure apart from reading a
// seccomp profile that was stored with the container and looking up the
// host's device nodes it names.
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>

#include "skiff/runtime/caps.hpp"
#include "skiff/runtime/launch.hpp"
#include "skiff/runtime/seccomp_cache.hpp"
#include "skiff/sys/userns.hpp"

namespace skiff::runtime {

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

static void add_system_mounts(LaunchPlan &p, const storage::ContainerConfig &c) {
  using K = MountOp::Kind;
  p.mounts.push_back({K::proc, "proc", "/proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, "", false});
  p.mounts.push_back({K::tmpfs, "tmpfs", "/dev", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"});
  p.mounts.push_back({K::devpts, "devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC,
                      "newinstance,ptmxmode=0666,mode=0620,gid=5"});
  p.mounts.push_back({K::tmpfs, "shm", "/dev/shm", MS_NOSUID | MS_NOEXEC | MS_NODEV,
                      "mode=1777,size=65536k"});
  p.mounts.push_back({K::mqueue, "mqueue", "/dev/mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, ""});
  if (p.new_netns)
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
static Status add_devices(LaunchPlan &p, const storage::ContainerConfig &c) {
  const bool rootless = ::geteuid() != 0 || sys::in_user_namespace();
  p.bind_devices = rootless;
  if (c.privileged) {
    p.device_rules = {kAllDevices};
    if (!rootless)
      p.devices = host_devices();
  } else {
    p.device_rules = default_device_rules();
  }
  for (const auto &d : c.devices) {
    if (c.privileged && d.path_on_host == d.path_in_container)
      continue;  // already there
    for (auto &n : TRY(devices_from_path(d.path_on_host, d.path_in_container))) {
      if (!c.privileged)
        p.device_rules.push_back({n.type, n.major, n.minor, d.cgroup_permissions});
      p.devices.push_back(std::move(n));
    }
  }
  if (!c.privileged)
    for (const auto &r : c.device_cgroup_rules)
      p.device_rules.push_back(TRY(parse_device_rule(r)));
  return {};
}

// Docker's default is rprivate: mounts made later on either side stay there.
static unsigned long bind_propagation(const std::vector<std::string> &options) {
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
static MountOp tmpfs_mount(const storage::MountConfig &m) {
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

Result<LaunchPlan> make_plan(const storage::ContainerConfig &c, const std::vector<std::string> &layers,
                             const std::string &cdir, const std::string &rundir,
                             const std::vector<std::pair<std::string, std::string>> &volume_dirs,
                             const std::string &cache_dir) {
  LaunchPlan p;
  p.rootfs = rundir + "/rootfs";
  p.lower.assign(layers.rbegin(), layers.rend());
  p.upper = cdir + "/upper";
  p.work = cdir + "/work";
  p.fuse_overlayfs = c.storage_driver == "fuse-overlayfs";
  p.new_netns = c.network != "host";
  p.keep_id = c.userns == "keep-id";
  p.keep_uid = c.keep_id_uid;
  p.keep_gid = c.keep_id_gid;
  p.hostname = c.hostname;
  p.argv = c.argv();
  if (p.argv.empty())
    return make_error(Errc::invalid, "no command specified");
  p.env = c.env;
  p.cwd = c.working_dir.empty() ? "/" : c.working_dir;
  p.user = c.user;
  p.tty = c.tty;
  p.init = c.init;
  p.read_only = c.read_only;
  p.no_new_privileges = c.no_new_privileges;
  p.ulimits = c.ulimits;
  auto caps = TRY(effective_caps(c.cap_add, c.cap_drop, c.privileged));
  p.caps = cap_numbers(caps);
  if (c.seccomp != "unconfined" && !c.privileged)
    p.seccomp = TRY(seccomp_program(cache_dir, c.seccomp, caps));
  if (!c.privileged) {
    p.masked_paths = default_masked_paths();
    p.readonly_paths = default_readonly_paths();
  }
  add_system_mounts(p, c);
  TRY_STATUS(add_devices(p, c));
  p.cgroups = container_cgroup_mounts(p.bind_devices);
  p.cgroups_writable = c.privileged;
  using K = MountOp::Kind;
  // Parents before children ("/data" before "/data/sub"), as Docker sorts.
  std::vector<storage::MountConfig> user_mounts = c.mounts;
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
    if (m.type == "volume") {
      for (const auto &[name, dir] : volume_dirs)
        if (name == m.source)
          src = dir;
    }
    bool nocopy = std::find(m.options.begin(), m.options.end(), "nocopy") != m.options.end();
    p.mounts.push_back({K::bind, src, m.destination, 0, "", m.readonly, true,
                        m.type == "volume" && !nocopy, bind_propagation(m.options)});
  }
  // Last, so they show even over a volume mounted on /etc.
  for (const char *f : {"hosts", "hostname", "resolv.conf"})
    p.mounts.push_back({K::bind, cdir + "/" + f, std::string("/etc/") + f, 0, "", false});
  return p;
}

} // namespace skiff::runtime
