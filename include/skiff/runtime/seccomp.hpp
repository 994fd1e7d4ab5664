// Seccomp for containers, as Docker does it: a Docker-format JSON profile
// (moby's default or `--security-opt seccomp=FILE`) is filtered by the
// container's capabilities and the host, compiled with libseccomp into a
// classic BPF program, and installed in the container child before execve.
#pragma once

#include <linux/filter.h>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::runtime {

// SCMP_ACT_KILL is an alias of kill_thread.
enum class SeccompAction { kill_thread, kill_process, trap, errno_ret, trace, allow, log };

enum class SeccompOp { ne, lt, le, eq, ge, gt, masked_eq };

struct SeccompArg {
  unsigned index = 0; // 0..5
  uint64_t value = 0;
  uint64_t value_two = 0; // masked_eq matches (arg & value) == value_two
  SeccompOp op = SeccompOp::eq;
};

struct KernelVersion {
  unsigned major = 0;
  unsigned minor = 0;
  auto operator<=>(const KernelVersion &) const = default;
};

// A rule's "includes"/"excludes": capabilities ("CAP_SYS_ADMIN"), Go
// architecture names ("amd64", "s390x") and a minimum kernel version.
struct SeccompCondition {
  std::vector<std::string> caps;
  std::vector<std::string> arches;
  std::optional<KernelVersion> min_kernel;
};

struct SeccompSyscall {
  std::vector<std::string> names;
  SeccompAction action = SeccompAction::allow;
  std::optional<uint32_t> errno_ret; // errno/trace; EPERM when absent
  std::vector<SeccompArg> args;      // all must match
  SeccompCondition includes;
  SeccompCondition excludes;
};

struct SeccompArchMap {
  std::string architecture; // "SCMP_ARCH_X86_64"
  std::vector<std::string> sub_architectures;
};

struct SeccompProfile {
  SeccompAction default_action = SeccompAction::errno_ret;
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures; // either these or arch_map
  std::vector<SeccompArchMap> arch_map;
  std::vector<SeccompSyscall> syscalls;
  unsigned flags = 0; // SECCOMP_FILTER_FLAG_* bits, for install_seccomp
};

// Parses a Docker-format profile. Errors read "seccomp profile: <where>: ...".
Result<SeccompProfile> parse_seccomp_profile(std::string_view json_text);

// moby's profiles/seccomp/default.json, verbatim, and its parsed form.
std::string_view default_seccomp_profile_json();
const SeccompProfile &default_seccomp_profile();

// What the includes/excludes conditions are checked against.
struct SeccompHost {
  std::string arch; // Go architecture name
  KernelVersion kernel;
};
SeccompHost seccomp_host();

// The rules that apply to a container with these capabilities on `host`
// (moby's filtering step). The pointers point into `profile`.
std::vector<const SeccompSyscall *>
select_seccomp_rules(const SeccompProfile &profile,
                     const std::vector<std::string> &caps,
                     const SeccompHost &host);

// Compiles the profile for this host's architecture (plus those the profile
// lists for it, e.g. x86_64 + x86 + x32) and the container's capability
// names into a BPF program. Syscalls unknown to libseccomp are skipped, and
// syscalls newer than any the profile names fail with ENOSYS, as with runc.
Result<std::vector<sock_filter>>
compile_seccomp(const SeccompProfile &profile,
                const std::vector<std::string> &caps);

// Loads a compiled program into the calling thread; async-signal-safe, for
// the forked container child. The caller needs CAP_SYS_ADMIN or
// no_new_privs. Returns 0 or an errno value.
int install_seccomp(const sock_filter *prog, size_t len, unsigned flags = 0);

} // namespace skiff::runtime
