// What the cgroups here let skiff limit, as `info` reports it.
#include <sstream>

#include <unistd.h>

#include "skiff/runtime/cgroups.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::runtime {

using namespace cgroup_detail;

namespace {

constexpr const char *kRoot = "/sys/fs/cgroup";

CgroupSupport v1_support() {
  auto mounts = parse_v1_mounts(read_file("/proc/self/mountinfo").value_or(""));
  auto has = [&](const std::string &controller, const std::string &file) {
    auto m = mounts.find(controller);
    return m != mounts.end() && fs::exists(m->second + "/" + file);
  };
  return {has("memory", "memory.limit_in_bytes"), has("memory", "memory.memsw.limit_in_bytes"),
          has("cpu", "cpu.cfs_quota_us"), has("pids", "pids.max")};
}

// The process's own v2 cgroup directory.
std::string own_dir() {
  std::istringstream in(read_file("/proc/self/cgroup").value_or(""));
  for (std::string line; std::getline(in, line);)
    if (line.rfind("0::", 0) == 0)
      return line == "0::/" ? std::string(kRoot) : kRoot + line.substr(3);
  return kRoot;
}

CgroupSupport v2_support(bool rootless) {
  std::string dir = rootless ? own_dir() : std::string(kRoot);
  if (rootless && ::access(dir.c_str(), W_OK) != 0)
    return {};  // nothing delegated
  std::string text = read_file(dir + "/cgroup.controllers").value_or("");
  std::istringstream in(text);
  CgroupSupport s;
  for (std::string c; in >> c;) {
    s.memory = s.memory || c == "memory";
    s.cpu_cfs = s.cpu_cfs || c == "cpu";
    s.pids = s.pids || c == "pids";
  }
  // The root cgroup has no memory.* files; below it memory.swap.max exists
  // only with swap accounting.
  std::string own = own_dir();
  s.swap = s.memory && (own == kRoot || fs::exists(own + "/memory.swap.max"));
  return s;
}

} // namespace

CgroupSupport cgroup_support(bool rootless) {
  auto version = detect_cgroup_version();
  if (!version)
    return {};
  if (*version == CgroupVersion::v2)
    return v2_support(rootless);
  return rootless ? CgroupSupport{} : v1_support();
}

} // namespace skiff::runtime
