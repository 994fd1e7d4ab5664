// The cgroup facade: version detection, the rootless policy, and the steps
// shared by both versions (creating leaves, writing files, removal).
#include <chrono>
#include <cstdlib>
#include <thread>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <fmt/ranges.h>

#include "skiff/runtime/cgroups.hpp"
#include "skiff/runtime/devices.hpp"
#include "skiff/sys/bpf.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/fd.hpp"

namespace skiff::runtime {

using namespace cgroup_detail;

namespace {

constexpr const char *kCgroupRoot = "/sys/fs/cgroup";

// Container ids become directory names.
Status check_name(const std::string &name) {
  bool ok = !name.empty() && name != "." && name != ".." &&
            name.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") ==
                std::string::npos;
  if (!ok)
    return make_error(Errc::invalid, "invalid cgroup name \"{}\"", name);
  return {};
}

Error rootless_error(const CgroupLimits &l, std::string_view cause) {
  std::vector<std::string_view> flags;
  if (l.memory && *l.memory > 0) {
    flags.push_back("--memory");
    if (l.memory_swap && *l.memory_swap != 0)
      flags.push_back("--memory-swap");
  }
  if (l.cpus && *l.cpus > 0)
    flags.push_back("--cpus");
  if (l.pids && *l.pids > 0)
    flags.push_back("--pids-limit");
  bool one = flags.size() == 1;
  return make_error(Errc::failed,
                    "{} {} cgroup v2 with delegated controllers ({}); run as "
                    "root or drop the {}",
                    fmt::join(flags, ", "), one ? "needs" : "need", cause,
                    one ? "limit" : "limits");
}

Status apply_write(const std::string &dir, const CgroupWrite &w) {
  std::string path = dir + "/" + w.file;
  if (w.optional && ::access(path.c_str(), F_OK) != 0)
    return {};
  return write_file(path, w.value);
}

Status remove_all(const std::vector<std::string> &dirs) {
  Status first;
  for (const auto &d : dirs)
    if (auto s = remove_dir(d); !s && first)
      first = std::move(s);
  return first;
}

// Creates the leaves and applies the writes; undoes the leaves on failure so
// a rejected value leaves nothing behind.
Result<std::vector<std::string>> realize(const CgroupPlan &plan) {
  for (const auto &w : plan.writes)
    if (!plan.dir_of.count(w.controller))
      return make_error(Errc::system, "cgroup controller {} is not available",
                        w.controller);
  std::vector<std::string> made;
  auto undo = [&made](Error e) {
    (void)remove_all(made);
    return e;
  };
  for (const auto &d : plan.dirs) {
    if (auto s = make_dir(d); !s)
      return undo(std::move(s).error());
    made.push_back(d);
  }
  for (const auto &w : plan.writes)
    if (auto s = apply_write(plan.dir_of.find(w.controller)->second, w); !s)
      return undo(std::move(s).error());
  return made;
}

} // namespace

std::optional<CgroupVersion> detect_cgroup_version() {
  struct statfs st {};
  if (::statfs(kCgroupRoot, &st) != 0)
    return std::nullopt;
  return st.f_type == CGROUP2_SUPER_MAGIC ? CgroupVersion::v2
                                          : CgroupVersion::v1;
}

std::vector<CgroupMount> container_cgroup_mounts(bool rootless) {
  auto version = detect_cgroup_version();
  if (version == CgroupVersion::v2)
    return {CgroupMount{}};
  if (!version || rootless)
    return {};
  return v1_container_mounts(read_file("/proc/self/mountinfo").value_or(""));
}

Result<Cgroup> Cgroup::create(const std::string &name,
                              const CgroupLimits &limits) {
  TRY_STATUS(check_name(name));
  TRY_STATUS(validate_limits(limits, ::sysconf(_SC_NPROCESSORS_ONLN)));
  const bool rootless = ::geteuid() != 0 || sys::in_user_namespace();
  if (rootless && !limits.any())
    return Cgroup();
  auto version = detect_cgroup_version();
  if (!version) {
    if (limits.any())
      return make_error(Errc::failed,
                        "resource limits need cgroups, but {} does not exist",
                        kCgroupRoot);
    if (!rootless)
      return make_error(Errc::failed,
                        "keeping containers from the host's devices needs cgroups, but {} "
                        "does not exist",
                        kCgroupRoot);
    return Cgroup();
  }
  CgroupPlan plan;
  if (*version == CgroupVersion::v1) {
    if (rootless)
      return rootless_error(limits, "this host uses cgroup v1");
    plan = TRY(plan_v1(name, limits));
    if (!plan.dir_of.count("devices"))
      return make_error(Errc::system, "the devices cgroup controller is not mounted: "
                                      "containers could open every host device");
  } else {
    auto p = plan_v2(name, limits, rootless);
    if (!p)
      return rootless ? rootless_error(limits, p.error().message)
                      : std::move(p).error();
    plan = std::move(*p);
  }
  std::string devices_dir;
  if (!rootless)
    devices_dir = *version == CgroupVersion::v1 ? plan.dir_of["devices"] : plan.dirs.front();
  return Cgroup(TRY(realize(plan)), *version, std::move(devices_dir));
}

Status Cgroup::check(const CgroupLimits &limits) {
  TRY_STATUS(validate_limits(limits, ::sysconf(_SC_NPROCESSORS_ONLN)));
  const bool rootless = ::geteuid() != 0 || sys::in_user_namespace();
  if (!limits.any())
    return {};
  auto version = detect_cgroup_version();
  if (!version)
    return make_error(Errc::failed, "resource limits need cgroups, but {} does not exist", kCgroupRoot);
  if (*version == CgroupVersion::v1)
    return rootless ? Status(rootless_error(limits, "this host uses cgroup v1")) : Status{};
  auto p = plan_v2("check", limits, rootless);
  if (!p)
    return rootless ? rootless_error(limits, p.error().message) : std::move(p).error();
  return {};
}

Status Cgroup::add_process(pid_t pid) const {
  for (const auto &d : paths_)
    TRY_STATUS(write_file(d + "/cgroup.procs", std::to_string(pid)));
  return {};
}

Status Cgroup::allow_devices(const std::vector<DeviceRule> &rules) const {
  if (devices_dir_.empty())
    return {};
  if (version_ == CgroupVersion::v1) {
    for (const auto &w : device_writes_v1(rules))
      TRY_STATUS(apply_write(devices_dir_, w));
    return {};
  }
  UniqueFd dir(::open(devices_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir)
    return sys_error("opening {}", devices_dir_);
  auto program = device_program(rules);
  return sys::attach_device_program(dir.get(), program.data(), program.size());
}

Status Cgroup::destroy() const { return remove_all(paths_); }

Status Cgroup::destroy_by_name(const std::string &name) {
  TRY_STATUS(check_name(name));
  const bool rootless = ::geteuid() != 0 || sys::in_user_namespace();
  auto version = detect_cgroup_version();
  if (!version || (*version == CgroupVersion::v1 && rootless))
    return {}; // nothing can have been created
  if (*version == CgroupVersion::v1)
    return remove_all(TRY(locate_v1(name)).dirs);
  return remove_all(TRY(leaves_v2(name, rootless)));
}

uint64_t Cgroup::oom_kills(const std::string &name) {
  if (!check_name(name))
    return 0;
  const bool rootless = ::geteuid() != 0 || sys::in_user_namespace();
  auto version = detect_cgroup_version();
  std::vector<std::string> files;
  if (version == CgroupVersion::v1 && !rootless) {
    if (auto plan = locate_v1(name); plan && plan->dir_of.count("memory"))
      files.push_back(plan->dir_of["memory"] + "/memory.oom_control");
  } else if (version == CgroupVersion::v2) {
    for (const auto &d : leaves_v2(name, rootless).value_or({}))
      files.push_back(d + "/memory.events");
  }
  for (const auto &f : files)
    if (auto text = read_file(f))
      if (auto n = oom_kill_count(*text))
        return n;
  return 0;
}

namespace cgroup_detail {

uint64_t oom_kill_count(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(at, end - at);
    if (line.rfind("oom_kill ", 0) == 0)
      return std::strtoull(std::string(line.substr(9)).c_str(), nullptr, 10);
    at = end + 1;
  }
  return 0;
}

Result<std::string> read_file(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sys_error("opening {}", path);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      Error e = sys_error("reading {}", path);
      ::close(fd);
      return e;
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// One write(2): cgroupfs parses each write as a whole value.
Status write_file(const std::string &path, std::string_view value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return sys_error("opening {}", path);
  ssize_t n;
  do
    n = ::write(fd, value.data(), value.size());
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    Error e = sys_error("writing \"{}\" to {}", value, path);
    ::close(fd);
    return e;
  }
  ::close(fd);
  if (static_cast<size_t>(n) != value.size())
    return make_error(Errc::system, "short write to {}", path);
  return {};
}

Status make_dir(const std::string &path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return sys_error("creating {}", path);
  return {};
}

// A cgroup stays busy until the kernel has reaped its last task, which can
// lag the exit the supervisor saw; so EBUSY is retried for about a second.
Status remove_dir(const std::string &path) {
  for (int attempt = 0;; ++attempt) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT)
      return {};
    if (errno != EBUSY || attempt == 100)
      return sys_error("removing {}", path);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string parent_dir(const std::string &path) {
  auto slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

} // namespace cgroup_detail
std::vector<std::string> Cgroup::procs_files(const std::string &name) {
  std::vector<std::string> out;
  if (!check_name(name))
    return out;
  const bool rootless = ::geteuid() != 0 || sys::in_user_namespace();
  auto version = detect_cgroup_version();
  std::vector<std::string> dirs;
  if (version == CgroupVersion::v1 && !rootless) {
    if (auto plan = locate_v1(name))
      dirs = plan->dirs;
  } else if (version == CgroupVersion::v2) {
    dirs = leaves_v2(name, rootless).value_or({});
  }
  for (const auto &d : dirs)
    if (::access((d + "/cgroup.procs").c_str(), W_OK) == 0)
      out.push_back(d + "/cgroup.procs");
  return out;
}

} // namespace skiff::runtime
