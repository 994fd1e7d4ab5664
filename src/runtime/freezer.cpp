// commit --pause: freezing a container's processes for the time its files
// are read.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "skiff/runtime/cgroups.hpp"
#include "skiff/runtime/freezer.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime {

using namespace cgroup_detail;

namespace {

// The v1 freezer hierarchy's mount point, or "".
std::string v1_freezer_mount() {
  auto text = read_file("/proc/self/mountinfo");
  if (!text)
    return "";
  for (const auto &line : str::split(*text, '\n')) {
    auto dash = line.find(" - cgroup ");
    if (dash == std::string::npos)
      continue;
    auto opts = str::split(line.substr(line.rfind(' ') + 1), ',');
    if (std::find(opts.begin(), opts.end(), "freezer") == opts.end())
      continue;
    auto fields = str::split(line.substr(0, dash), ' ');
    if (fields.size() > 4)
      return fields[4];
  }
  return "";
}

std::vector<std::string> pids_in(const std::string &dir) {
  auto text = read_file(dir + "/cgroup.procs");
  std::vector<std::string> out;
  if (text)
    for (const auto &p : str::split(*text, '\n'))
      if (!p.empty())
        out.push_back(p);
  return out;
}

// Polls `file` until it reads `want`, up to about two seconds.
bool wait_for(const std::string &file, std::string_view want) {
  for (int i = 0; i < 200; ++i) {
    if (auto t = read_file(file); t && t->find(want) != std::string::npos)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Moves every process out of v1 freezer cgroup `dir` (thawed) into the
// hierarchy's root and removes it.
void release_v1(const std::string &dir, const std::string &root) {
  (void)write_file(dir + "/freezer.state", "THAWED");
  for (const auto &pid : pids_in(dir))
    (void)write_file(root + "/cgroup.procs", pid);
  (void)remove_dir(dir);
}

} // namespace

Result<Freeze> Freeze::container(const std::string &name) {
  Freeze f;
  bool rootless = ::geteuid() != 0 || sys::in_user_namespace();
  auto version = detect_cgroup_version();
  if (version == CgroupVersion::v2) {
    for (const auto &d : leaves_v2(name, rootless).value_or({})) {
      if (::access((d + "/cgroup.freeze").c_str(), W_OK) != 0)
        continue;
      TRY_STATUS(write_file(d + "/cgroup.freeze", "1"));
      f.dir_ = d;
      if (!wait_for(d + "/cgroup.events", "frozen 1"))
        return make_error(Errc::failed, "the container's processes did not freeze");
      return f;
    }
    return f;
  }
  if (version != CgroupVersion::v1 || rootless)
    return f;
  std::string root = v1_freezer_mount();
  auto plan = locate_v1(name);
  if (root.empty() || !plan || plan->dirs.empty())
    return f;
  std::string source = plan->dirs.front();
  if (::access((source + "/cgroup.procs").c_str(), R_OK) != 0)
    return f;  // stopped, or started without a cgroup
  std::string dir = root + "/skiff/" + name;
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0)  // left frozen by a killed commit
    release_v1(dir, root);
  TRY_STATUS(make_dir(root + "/skiff"));
  TRY_STATUS(make_dir(dir));
  f.dir_ = dir;
  f.v1_ = true;
  f.v1_root_ = root;
  // Processes forked meanwhile join on the next round; the container's
  // own cgroup (of every other hierarchy) keeps them all.
  for (int round = 0; round < 10; ++round) {
    bool moved = false;
    auto frozen = pids_in(dir);
    for (const auto &pid : pids_in(source))
      if (std::find(frozen.begin(), frozen.end(), pid) == frozen.end()) {
        (void)write_file(dir + "/cgroup.procs", pid);  // it may have exited
        moved = true;
      }
    if (!moved)
      break;
  }
  TRY_STATUS(write_file(dir + "/freezer.state", "FROZEN"));
  if (!wait_for(dir + "/freezer.state", "FROZEN"))
    return make_error(Errc::failed, "the container's processes did not freeze");
  return f;
}

Freeze::Freeze(Freeze &&o) noexcept
    : dir_(std::exchange(o.dir_, "")), v1_(o.v1_), v1_root_(std::move(o.v1_root_)) {}

Freeze::~Freeze() {
  if (dir_.empty())
    return;
  if (v1_)
    release_v1(dir_, v1_root_);
  else
    (void)write_file(dir_ + "/cgroup.freeze", "0");
}

} // namespace skiff::runtime
