// Turning Docker's resource flags into cgroup file writes; no syscalls here.
#include <cmath>

#include "skiff/runtime/cgroups.hpp"

namespace skiff::runtime {

namespace {

constexpr int64_t kMinMemory = 6 * 1024 * 1024; // Docker's floor
constexpr int64_t kCfsPeriod = 100000;          // microseconds, as Docker
constexpr int64_t kMinCfsQuota = 1000;          // the kernel's floor

bool limits_memory(const CgroupLimits &l) { return l.memory && *l.memory > 0; }
bool limits_cpus(const CgroupLimits &l) { return l.cpus && *l.cpus > 0; }

int64_t cfs_quota(double cpus) { return std::llround(cpus * kCfsPeriod); }

// memory+swap in bytes, -1 for unlimited; only meaningful with a memory limit.
int64_t memory_swap_total(const CgroupLimits &l) {
  if (l.memory_swap && *l.memory_swap != 0)
    return *l.memory_swap;
  return 2 * *l.memory;
}

} // namespace

bool CgroupLimits::any() const {
  return limits_memory(*this) || limits_cpus(*this) || (pids && *pids > 0);
}

Status validate_limits(const CgroupLimits &l, long ncpus) {
  if (limits_memory(l) && *l.memory < kMinMemory)
    return make_error(Errc::invalid, "Minimum memory limit allowed is 6MB");
  if (l.memory_swap) {
    int64_t swap = *l.memory_swap;
    if (swap < -1)
      return make_error(Errc::invalid,
                        "invalid --memory-swap {}: use -1 for unlimited swap",
                        swap);
    if (swap > 0 && !limits_memory(l))
      return make_error(Errc::invalid,
                        "You should always set the Memory limit when using "
                        "Memoryswap limit, see usage");
    if (swap > 0 && swap < *l.memory)
      return make_error(Errc::invalid, "Minimum memoryswap limit should be "
                                       "larger than memory limit, see usage");
  }
  if (l.cpus) {
    double cpus = *l.cpus;
    // Written so that NaN fails too.
    bool ok = cpus == 0 || (cpus > 0 && cfs_quota(cpus) >= kMinCfsQuota &&
                            cpus <= static_cast<double>(ncpus));
    if (!ok)
      return make_error(Errc::invalid,
                        "Range of CPUs is from 0.01 to {0}.00, as there are "
                        "only {0} CPUs available",
                        ncpus);
  }
  return {};
}

std::vector<CgroupWrite> cgroup_writes(CgroupVersion v, const CgroupLimits &l) {
  const bool v1 = v == CgroupVersion::v1;
  std::vector<CgroupWrite> out;
  if (limits_memory(l)) {
    int64_t mem = *l.memory;
    int64_t total = memory_swap_total(l);
    out.push_back({"memory", v1 ? "memory.limit_in_bytes" : "memory.max",
                   std::to_string(mem)});
    // v1 limits memory+swap, v2 limits swap alone.
    if (v1)
      out.push_back({"memory", "memory.memsw.limit_in_bytes",
                     std::to_string(total), true});
    else
      out.push_back({"memory", "memory.swap.max",
                     total < 0 ? "max" : std::to_string(total - mem), true});
  }
  if (limits_cpus(l)) {
    std::string quota = std::to_string(cfs_quota(*l.cpus));
    std::string period = std::to_string(kCfsPeriod);
    if (v1) {
      out.push_back({"cpu", "cpu.cfs_period_us", period});
      out.push_back({"cpu", "cpu.cfs_quota_us", quota});
    } else {
      out.push_back({"cpu", "cpu.max", quota + " " + period});
    }
  }
  if (l.pids)
    out.push_back({"pids", "pids.max",
                   *l.pids > 0 ? std::to_string(*l.pids) : "max"});
  return out;
}

} // namespace skiff::runtime
