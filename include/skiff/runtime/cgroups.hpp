// Resource limits for containers (--memory, --memory-swap, --cpus,
// --pids-limit) and device control through cgroupfs, for cgroup v2 and v1
// hierarchies. There is no systemd driver: skiff is daemonless and may run
// without D-Bus.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "skiff/util/result.hpp"

namespace skiff::runtime {

struct DeviceRule;

// Limits with Docker's meanings: memory <= 0, cpus == 0 and pids <= 0 mean
// unlimited; memory_swap is memory+swap, -1 is unlimited swap, 0 or unset
// means twice the memory (Docker's default).
struct CgroupLimits {
  std::optional<int64_t> memory;      // bytes
  std::optional<int64_t> memory_swap; // bytes, memory + swap
  std::optional<double> cpus;
  std::optional<int64_t> pids;

  // True when some value actually constrains the container, i.e. a cgroup
  // is required rather than merely useful.
  bool any() const;
};

enum class CgroupVersion { v1, v2 };

// One file to write in the container's cgroup. `controller` selects the v1
// hierarchy (and the v2 controller that must be enabled).
struct CgroupWrite {
  std::string controller;
  std::string file;
  std::string value;
  // Skipped when the kernel lacks the file: the swap files exist only with
  // swap accounting, and Docker then drops the swap limit.
  bool optional = false;

  bool operator==(const CgroupWrite &) const = default;
};

// Rejects what Docker rejects, with Docker's messages; `ncpus` bounds --cpus.
Status validate_limits(const CgroupLimits &, long ncpus);

// The writes that apply validated limits to a fresh cgroup, in the order the
// kernel needs (memory before memory+swap, CFS period before quota). Pure.
std::vector<CgroupWrite> cgroup_writes(CgroupVersion, const CgroupLimits &);

// What a container sees at /sys/fs/cgroup: on v2 the unified tree (name
// empty); on v1 each hierarchy it has a cgroup in, by the name of the
// host's mount ("cpu" or "cpu,cpuacct") with its controllers as mount
// options. Nothing rootless on v1, where a user namespace cannot mount it.
struct CgroupMount {
  std::string name;
  std::string controllers;
  bool operator==(const CgroupMount &) const = default;
};
std::vector<CgroupMount> container_cgroup_mounts(bool rootless);

// v2 when /sys/fs/cgroup is a cgroup2 mount; v1 (including hybrid) for any
// other mount there; nullopt when it does not exist.
std::optional<CgroupVersion> detect_cgroup_version();

// Which of skiff's limits cgroups can apply here, for `info`: --memory,
// its swap part, --cpus (the CFS period and quota) and --pids-limit. As
// root, what the mounted controllers offer; rootless, nothing on v1 and
// what is delegated to the user's own cgroup on v2.
struct CgroupSupport {
  bool memory = false, swap = false, cpu_cfs = false, pids = false;
  bool any() const { return memory || cpu_cfs || pids; }
};
CgroupSupport cgroup_support(bool rootless);

// The cgroup of one container: one directory on v2, one per hierarchy on v1.
// A plain value; nothing is removed unless destroy() is called.
class Cgroup {
public:
  Cgroup() = default; // empty: no cgroup

  // Creates the cgroup for container `name` and applies the limits. As root
  // it lives under a `skiff` parent at the hierarchy root; rootless only on
  // v2 inside a delegated subtree. Rootless without limits makes nothing.
  static Result<Cgroup> create(const std::string &name, const CgroupLimits &);
  // Whether create() could apply `limits` here, without creating anything:
  // for refusing a container at create time rather than at its start.
  static Status check(const CgroupLimits &limits);

  // Moves a process (and its threads) into every directory of the cgroup.
  Status add_process(pid_t pid) const;

  // Lets the processes in the cgroup use only the devices `rules` allow:
  // the v1 devices controller, or a BPF device program on v2. Called once
  // the container's own setup (which opens /dev/net/tun or /dev/fuse on
  // the host) is done and before its command runs. Rootless it does
  // nothing: the user namespace already keeps host devices out.
  Status allow_devices(const std::vector<DeviceRule> &rules) const;

  // Removes the directories once the processes are gone; missing is fine.
  Status destroy() const;

  // For a container whose supervisor died before cleaning up.
  static Status destroy_by_name(const std::string &name);

  // How many processes of container `name` the kernel's OOM killer has
  // killed in its memory cgroup (v1 memory.oom_control, v2 memory.events);
  // 0 when it has none. Read before the cgroup is removed.
  static uint64_t oom_kills(const std::string &name);

  // The cgroup.procs files of container `name`'s cgroup that exist now,
  // for processes that join it later (exec).
  static std::vector<std::string> procs_files(const std::string &name);

  std::vector<std::string> paths() const { return paths_; }
  bool empty() const { return paths_.empty(); }

private:
  Cgroup(std::vector<std::string> paths, CgroupVersion version, std::string devices_dir)
      : paths_(std::move(paths)), version_(version), devices_dir_(std::move(devices_dir)) {}
  std::vector<std::string> paths_;
  CgroupVersion version_ = CgroupVersion::v2;
  // Where device rules go: v1's devices leaf or the v2 leaf; empty when
  // rootless, where no device control applies.
  std::string devices_dir_;
};

// Shared by the v1 and v2 backends; not for callers.
namespace cgroup_detail {

// What create() has to do once the parents exist.
struct CgroupPlan {
  std::vector<std::string> dirs;             // leaf cgroups, one per hierarchy
  std::map<std::string, std::string> dir_of; // controller -> leaf for its files
  std::vector<CgroupWrite> writes;
};

// Controllers joined on v1: those that enforce limits, devices, and
// cpuacct for stats.
inline const std::vector<std::string> kV1Controllers = {"cpu", "cpuacct", "devices",
                                                        "memory", "pids"};

// Mount point of each of kV1Controllers in a /proc/self/mountinfo text.
std::map<std::string, std::string> parse_v1_mounts(std::string_view mountinfo);
// The hierarchies holding kV1Controllers, as containers mount them.
std::vector<CgroupMount> v1_container_mounts(std::string_view mountinfo);

// The leaves of `name` in the mounted hierarchies, without writes.
Result<CgroupPlan> locate_v1(const std::string &name);
// These make the parents (and on v2 enable controllers) as a side effect.
Result<CgroupPlan> plan_v1(const std::string &name, const CgroupLimits &);
Result<CgroupPlan> plan_v2(const std::string &name, const CgroupLimits &,
                           bool rootless);
Result<std::vector<std::string>> leaves_v2(const std::string &name,
                                           bool rootless);

// The "oom_kill N" line of memory.oom_control (v1) or memory.events (v2).
uint64_t oom_kill_count(std::string_view text);
Result<std::string> read_file(const std::string &path);
Status write_file(const std::string &path, std::string_view value);
Status make_dir(const std::string &path);
Status remove_dir(const std::string &path);
std::string parent_dir(const std::string &path);

} // namespace cgroup_detail
} // namespace skiff::runtime
