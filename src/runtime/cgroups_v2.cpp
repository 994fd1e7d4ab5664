// cgroup v2: one unified tree. A controller works in a cgroup only when every
// ancestor enables it in cgroup.subtree_control, and a cgroup holding
// processes cannot enable any (the no-internal-processes rule); that rule
// decides where a rootless user can put containers.
#include <algorithm>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/ranges.h>

#include "skiff/runtime/cgroups.hpp"

namespace skiff::runtime::cgroup_detail {

namespace {

using Names = std::set<std::string>;

constexpr const char *kRoot = "/sys/fs/cgroup";

// Enabled whenever available, so that stats work without limits too.
const std::vector<std::string> kControllers = {"cpu", "memory", "pids"};

Result<Names> read_names(const std::string &path) {
  std::istringstream in(TRY(read_file(path)));
  Names out;
  for (std::string w; in >> w;)
    out.insert(w);
  return out;
}

std::vector<std::string> missing(const Names &wanted, const Names &have) {
  std::vector<std::string> out;
  std::set_difference(wanted.begin(), wanted.end(), have.begin(), have.end(),
                      std::back_inserter(out));
  return out;
}

// Enables the controllers for dir's children: those the limits need must
// succeed; the others are only for stats and may be refused.
Status enable(const std::string &dir, const Names &needed) {
  Names avail = TRY(read_names(dir + "/cgroup.controllers"));
  Names on = TRY(read_names(dir + "/cgroup.subtree_control"));
  if (auto gone = missing(needed, avail); !gone.empty())
    return make_error(Errc::system, "controller {} not available in {}",
                      fmt::join(gone, ", "), dir);
  for (const auto &c : kControllers) {
    if (!avail.count(c) || on.count(c))
      continue;
    auto s = write_file(dir + "/cgroup.subtree_control", "+" + c);
    if (!s && needed.count(c))
      return s;
  }
  return {};
}

Result<std::string> own_cgroup() {
  std::istringstream in(TRY(read_file("/proc/self/cgroup")));
  for (std::string line; std::getline(in, line);)
    if (line.rfind("0::", 0) == 0)
      return line == "0::/" ? std::string(kRoot) : kRoot + line.substr(3);
  return make_error(Errc::system, "/proc/self/cgroup has no cgroup v2 entry");
}

// Delegation chowns the directory and these files to the user. Moving a
// process needs cgroup.procs of the common ancestor writable, which an
// ancestor-or-self of our own cgroup is.
bool writable(const std::string &dir) {
  for (const char *f : {"", "/cgroup.procs", "/cgroup.subtree_control"})
    if (::faccessat(AT_FDCWD, (dir + f).c_str(), W_OK, AT_EACCESS) != 0)
      return false;
  return true;
}

// Our own cgroup and its ancestors, nearest first, up to the first one the
// user may not write: the delegated subtree.
std::vector<std::string> delegated_dirs(const std::string &own) {
  std::vector<std::string> out;
  for (std::string d = own; writable(d); d = parent_dir(d)) {
    out.push_back(d);
    if (d == kRoot)
      break;
  }
  return out;
}

// Where a rootless user can create skiff's cgroups: the nearest delegated
// directory that has the needed controllers and can have children using
// them (they are enabled already, or it holds no processes). Fails with the
// reason found at our own cgroup.
Result<std::string> delegated_parent(const Names &needed) {
  std::string own = TRY(own_cgroup());
  std::string cause;
  for (const auto &d : delegated_dirs(own)) {
    Names avail = TRY(read_names(d + "/cgroup.controllers"));
    Names on = TRY(read_names(d + "/cgroup.subtree_control"));
    std::string why;
    if (auto gone = missing(needed, avail); !gone.empty())
      why = fmt::format("{} not delegated to {}", fmt::join(gone, ", "), d);
    else if (missing(needed, on).empty() ||
             TRY(read_file(d + "/cgroup.procs")).empty())
      return d;
    else
      why = fmt::format("{} holds processes and no delegated parent can "
                        "host containers",
                        d);
    if (cause.empty())
      cause = why;
  }
  if (cause.empty())
    cause = fmt::format("{} is not writable by uid {}", own, ::geteuid());
  return make_error(Errc::failed, "{}", cause);
}

} // namespace

Result<CgroupPlan> plan_v2(const std::string &name, const CgroupLimits &l,
                           bool rootless) {
  CgroupPlan plan;
  plan.writes = cgroup_writes(CgroupVersion::v2, l);
  Names needed;
  for (const auto &w : plan.writes)
    needed.insert(w.controller);
  std::string parent = kRoot;
  if (rootless)
    parent = TRY(delegated_parent(needed));
  std::string base = parent + "/skiff";
  TRY_STATUS(enable(parent, needed));
  TRY_STATUS(make_dir(base));
  TRY_STATUS(enable(base, needed));
  std::string leaf = base + "/" + name;
  plan.dirs = {leaf};
  for (const auto &c : kControllers)
    plan.dir_of[c] = leaf;
  return plan;
}

Result<std::vector<std::string>> leaves_v2(const std::string &name,
                                           bool rootless) {
  std::string tail = "/skiff/" + name;
  if (!rootless)
    return std::vector<std::string>{kRoot + tail};
  std::string own = TRY(own_cgroup());
  std::vector<std::string> out;
  for (const auto &d : delegated_dirs(own))
    out.push_back(d + tail);
  return out;
}

} // namespace skiff::runtime::cgroup_detail
