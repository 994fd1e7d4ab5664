// cgroup v1: one hierarchy per controller (or per group of co-mounted
// controllers, such as cpu,cpuacct); the container gets <mount>/skiff/<name>
// in each.
#include <algorithm>
#include <sstream>

#include "skiff/runtime/cgroups.hpp"
#include "skiff/util/mountinfo.hpp"

namespace skiff::runtime::cgroup_detail {

std::map<std::string, std::string> parse_v1_mounts(std::string_view mountinfo) {
  std::map<std::string, std::string> out;
  for (const auto &m : parse_mountinfo(mountinfo)) {
    if (m.fstype != "cgroup")
      continue;
    std::istringstream opts(m.super_options);
    for (std::string opt; std::getline(opts, opt, ',');)
      if (std::find(kV1Controllers.begin(), kV1Controllers.end(), opt) != kV1Controllers.end())
        out.emplace(opt, m.mount_point); // the first mount wins
  }
  return out;
}

std::vector<CgroupMount> v1_container_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> out;
  for (const auto &m : parse_mountinfo(mountinfo)) {
    if (m.fstype != "cgroup")
      continue;
    std::vector<std::string> ours;
    std::istringstream opts(m.super_options);
    for (std::string opt; std::getline(opts, opt, ',');)
      if (std::find(kV1Controllers.begin(), kV1Controllers.end(), opt) != kV1Controllers.end())
        ours.push_back(opt);
    std::string name = m.mount_point.substr(m.mount_point.rfind('/') + 1);
    if (ours.empty() || std::any_of(out.begin(), out.end(), [&](const auto &c) { return c.name == name; }))
      continue;
    std::string controllers;
    for (const auto &c : ours)
      controllers += (controllers.empty() ? "" : ",") + c;
    out.push_back({name, controllers});
  }
  return out;
}

Result<CgroupPlan> locate_v1(const std::string &name) {
  auto mounts = parse_v1_mounts(TRY(read_file("/proc/self/mountinfo")));
  CgroupPlan plan;
  for (const auto &[controller, mount] : mounts) {
    std::string dir = mount + "/skiff/" + name;
    plan.dir_of[controller] = dir;
    // Co-mounted controllers share one directory.
    if (std::find(plan.dirs.begin(), plan.dirs.end(), dir) == plan.dirs.end())
      plan.dirs.push_back(dir);
  }
  return plan;
}

Result<CgroupPlan> plan_v1(const std::string &name, const CgroupLimits &l) {
  CgroupPlan plan = TRY(locate_v1(name));
  plan.writes = cgroup_writes(CgroupVersion::v1, l);
  for (const auto &d : plan.dirs)
    TRY_STATUS(make_dir(parent_dir(d)));
  return plan;
}

} // namespace skiff::runtime::cgroup_detail
