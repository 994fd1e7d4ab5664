// cgroup v1: one hierarchy per controller (or per group of co-mounted
// controllers, such as cpu,cpuacct); the container gets <mount>/skiff/<name>
// in each.
#include <algorithm>
#include <sstream>

#include "skiff/runtime/cgroups.hpp"

namespace skiff::runtime::cgroup_detail {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        std::all_of(s.begin() + i + 1, s.begin() + i + 4,
                    [](char c) { return c >= '0' && c <= '7'; })) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
                               (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

} // namespace

std::map<std::string, std::string> parse_v1_mounts(std::string_view mountinfo) {
  std::map<std::string, std::string> out;
  std::istringstream lines{std::string(mountinfo)};
  std::string line;
  while (std::getline(lines, line)) {
    // id parent dev root mountpoint opts [optional...] - fstype source super
    std::istringstream in(line);
    std::vector<std::string> f;
    for (std::string w; in >> w;)
      f.push_back(w);
    auto sep = std::find(f.begin(), f.end(), "-");
    if (f.size() < 5 || f.end() - sep < 4 || sep[1] != "cgroup")
      continue;
    std::istringstream opts(sep[3]);
    for (std::string opt; std::getline(opts, opt, ',');)
      if (std::find(kV1Controllers.begin(), kV1Controllers.end(), opt) !=
          kV1Controllers.end())
        out.emplace(opt, unescape(f[4])); // the first mount wins
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
