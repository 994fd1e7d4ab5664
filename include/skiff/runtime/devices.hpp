// Which device nodes a container may use: Docker's default allow list,
// --device and --device-cgroup-rule, --privileged; how the devices cgroup
// (v1) and a BPF device program (v2) enforce it; and the nodes made in the
// container's /dev. Rootless there is nothing to enforce: a user namespace
// can neither create device nodes nor open them on its own mounts.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <linux/bpf.h>

#include "skiff/runtime/cgroups.hpp"
#include "skiff/util/result.hpp"

namespace skiff::runtime {

// One allow rule of the devices cgroup: "c 1:3 rwm".
struct DeviceRule {
  char type = 'a';        // 'a' any, 'c' character, 'b' block
  int64_t major = -1;     // -1: any
  int64_t minor = -1;     // -1: any
  std::string access = "rwm";  // r read, w write, m mknod

  bool operator==(const DeviceRule &) const = default;
};

// Docker's --device-cgroup-rule syntax, with Docker's error.
Result<DeviceRule> parse_device_rule(std::string_view text);
std::string format_device_rule(const DeviceRule &r);

// What a container that is not privileged may use: mknod of any node, and
// read/write/mknod of null, zero, full, random, urandom, tty, console,
// ptmx and the pty slaves (runc's and Docker's defaults, without tun).
const std::vector<DeviceRule> &default_device_rules();
// --privileged: everything.
inline const DeviceRule kAllDevices{'a', -1, -1, "rwm"};

// cgroup v1: switch the cgroup to deny-all, then allow each rule.
std::vector<CgroupWrite> device_writes_v1(const std::vector<DeviceRule> &rules);

// cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program that allows exactly what
// one of `rules` allows and denies the rest (the v1 semantics). Pure.
std::vector<bpf_insn> device_program(const std::vector<DeviceRule> &rules);

// A device node to make in the container, with the host node's identity.
struct DeviceNode {
  std::string path;  // in the container
  char type = 'c';   // 'c' or 'b'
  uint32_t major = 0, minor = 0;
  mode_t mode = 0;   // permission bits
  uid_t uid = 0;
  gid_t gid = 0;
  std::string host_path;  // bound instead of made where mknod is not allowed

  bool operator==(const DeviceNode &) const = default;
};

// The nodes of `--device host:container`: the node itself (a symlink is
// followed), or every node below a directory. Docker's error when none.
Result<std::vector<DeviceNode>> devices_from_path(const std::string &host,
                                                  const std::string &container);
// --privileged as root: every device node under the host's /dev, as Docker
// adds them (not the pty, shm, mqueue and fd trees, nor the console and
// ptmx).
std::vector<DeviceNode> host_devices();

} // namespace skiff::runtime
