// info's values, read from the store and the host.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>

#include "skiff/engine/info.hpp"
#include "skiff/engine/pull.hpp"
#include "skiff/runtime/cgroups.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "store_access.hpp"

namespace skiff::engine {

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

// ROOT/engine-id, made once: the first writer's ID wins (link(2) never
// replaces), so parallel first commands agree on it.
std::string engine_id(const std::string &root) {
  std::string path = root + "/engine-id";
  if (auto id = fs::read_file(path); id && !trimmed(*id).empty())
    return trimmed(*id);
  std::string uuid = trimmed(fs::read_file("/proc/sys/kernel/random/uuid").value_or(""));
  if (uuid.empty())
    return "";
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  if (fs::write_file_atomic(tmp, uuid + "\n", true, 0644)) {
    (void)::link(tmp.c_str(), path.c_str());
    ::unlink(tmp.c_str());
  }
  return trimmed(fs::read_file(path).value_or(uuid));
}

std::string env(const char *upper, const char *lower) {
  const char *v = std::getenv(upper);
  if (!v || !*v)
    v = std::getenv(lower);
  return v ? mask_proxy_credentials(v) : "";
}

int open_fds() {
  int n = 0;
  if (DIR *d = ::opendir("/proc/self/fd")) {
    while (::readdir(d))
      n++;
    ::closedir(d);
    n -= 3;  // ".", ".." and the directory's own descriptor
  }
  return n < 0 ? 0 : n;
}

long cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0)
    return CPU_COUNT(&set);
  return ::sysconf(_SC_NPROCESSORS_ONLN);
}

std::vector<std::pair<std::string, std::string>> driver_status(storage::DriverKind kind,
                                                               const std::string &root, bool rootless) {
  if (kind != storage::DriverKind::overlay)
    return {};
  struct statfs st {};
  std::string fs_name = ::statfs(root.c_str(), &st) == 0 ? backing_fs_name(static_cast<int64_t>(st.f_type))
                                                        : "<unknown>";
  return {{"Backing Filesystem", fs_name},
          {"Supports d_type", "true"},
          {"Using metacopy", "false"},
          {"Native Overlay Diff", "true"},
          {"userxattr", rootless ? "true" : "false"}};
}

} // namespace

SystemInfo system_info(Engine &eng) {
  SystemInfo info;
  const auto &opts = eng.options();
  for (const auto &c : eng.containers().value_or({})) {
    info.containers++;
    switch (c.state.status) {
    case RunStatus::running:
    case RunStatus::restarting:
      info.running++;
      break;
    case RunStatus::paused:
      info.paused++;
      break;
    default:
      info.stopped++;
    }
  }
  auto &store = store_of(eng);
  info.images = store.images().value_or({}).size();
  info.driver = storage::driver_name(store.driver());
  info.driver_status = driver_status(store.driver(), store.root(), opts.rootless);
  info.id = engine_id(store.root());
  info.root_dir = opts.root;

  auto cg = runtime::cgroup_support(opts.rootless);
  info.memory_limit = cg.memory;
  info.swap_limit = cg.swap;
  info.cpu_cfs = cg.cpu_cfs;
  info.pids_limit = cg.pids;
  auto version = runtime::detect_cgroup_version();
  info.cgroup_version = version == runtime::CgroupVersion::v2 ? "2" : "1";
  // Docker's words: cgroupfs, or none when rootless has no cgroups.
  info.cgroup_driver = cg.any() || !opts.rootless ? "cgroupfs" : "none";
  info.warnings = info_warnings(opts.rootless, cg.any(), info.cgroup_version);
  info.security_options = security_options(opts.rootless);

  info.ipv4_forwarding = trimmed(fs::read_file("/proc/sys/net/ipv4/ip_forward").value_or("")) == "1";
  info.nfd = open_fds();
  info.system_time = timefmt::rfc3339nano(timefmt::now_ns());
  utsname u{};
  ::uname(&u);
  info.kernel_version = u.release;
  info.architecture = u.machine;
  auto os = fs::read_file("/etc/os-release");
  if (!os)
    os = fs::read_file("/usr/lib/os-release");
  auto release = parse_os_release(os.value_or(""));
  info.operating_system = release.pretty_name;
  info.os_version = release.version_id;
  info.ncpu = cpus();
  info.mem_total = static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  info.name = host;
  info.http_proxy = env("HTTP_PROXY", "http_proxy");
  info.https_proxy = env("HTTPS_PROXY", "https_proxy");
  info.no_proxy = env("NO_PROXY", "no_proxy");
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  info.runtime_path = n > 0 ? std::string(exe, static_cast<size_t>(n)) : "skiff";
  if (auto conf = registries_conf())
    for (const auto &r : conf->registries)
      if (r.insecure && !r.prefix.empty())
        info.insecure_registries.push_back(r.prefix);
  return info;
}

} // namespace skiff::engine
