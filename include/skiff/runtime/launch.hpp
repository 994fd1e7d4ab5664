// Starting a container's first process: its spec (part of the engine's
// launch plan, supervisor/launch_plan.hpp) and the cloned child that carries
// it out.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "skiff/network/endpoint.hpp"
#include "skiff/network/tap.hpp"
#include "skiff/runtime/devices.hpp"
#include "skiff/storage/container_config.hpp"
#include "skiff/storage/layer_driver.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::runtime {

struct MountOp {
  // filesystem: `fs_type` mounted from `source` (a volume's driver options
  // mounted for this container alone, rootless).
  enum class Kind { bind, tmpfs, proc, sysfs, devpts, mqueue, filesystem };
  Kind kind = Kind::bind;
  std::string source;       // host path (bind)
  std::string destination;  // absolute path in the container
  unsigned long flags = 0;  // MS_NOSUID, MS_NODEV, ...
  std::string data;         // filesystem options
  bool readonly = false;
  bool recursive = false;
  // A volume: when its directory is empty, it first gets a copy of what
  // the image has at `destination`, as Docker does.
  bool fill_from_root = false;
  // A bind's propagation (MS_PRIVATE, MS_SHARED or MS_SLAVE, with MS_REC
  // for the r- forms); 0 keeps what the bind inherited.
  unsigned long propagation = 0;
  // A -v bind whose host path is missing: made as a directory first, by
  // the container's root (rootless: the user), as Docker does.
  bool create_source = false;
  std::string fs_type;  // filesystem
  // A bind whose source is shared through a detached mount of it (a
  // rootless volume with driver options): that tree is attached instead.
  int tree_fd = -1;
};

struct InitSpec {
  std::string rootfs;              // empty directory the root is mounted on
  std::vector<std::string> lower;  // layer dirs, top first
  std::string upper, work;
  bool userxattr = false;
  // How the root is mounted: the layers stacked by kernel overlayfs or by
  // fuse-overlayfs, or (vfs) a bind of copy_root, the container's full copy.
  storage::DriverKind driver = storage::DriverKind::overlay;
  std::string copy_root;
  std::vector<MountOp> mounts;     // applied in order under the new root
  std::vector<std::string> masked_paths, readonly_paths;
  // Device nodes made in the container (--device, --privileged), and what
  // the devices cgroup lets it use. In a user namespace the nodes are bound
  // from the host instead, since mknod is refused there.
  // The devices cgroup's rules are the supervisor's (CgroupPlan).
  std::vector<DeviceNode> devices;
  bool bind_devices = false;
  // Mounted at /sys/fs/cgroup (read-only unless privileged): the
  // container's own cgroup, the root of its cgroup namespace.
  std::vector<CgroupMount> cgroups;
  bool cgroups_writable = false;
  std::string hostname;
  std::vector<std::string> argv, env;
  std::string cwd = "/";
  std::string user;
  std::vector<std::string> group_add;  // more supplementary groups (--group-add)
  std::vector<int> caps;
  std::vector<sock_filter> seccomp;  // empty: unconfined
  std::vector<storage::Ulimit> ulimits;
  bool no_new_privileges = false;
  bool read_only = false;
  bool tty = false;
  bool init = false;
  bool new_netns = true;
  // --network container:X: the namespace to join (/proc/PID/ns/net of
  // its init) instead of a new one.
  std::string join_netns;
  // Default network: the child makes this tap device in its namespace and
  // hands its fd over (PendingInit::take_tap) for the network helper.
  std::optional<network::TapConfig> tap;
  // Bridge networks: the container's ends of its veth pairs, there when
  // it begins, configured first.
  std::vector<network::Interface> interfaces;
  // --userns=keep-id: the container gets a user namespace of its own in
  // which the invoking user (root of ours) keeps its own ID.
  bool keep_id = false;
  uint32_t keep_uid = 0, keep_gid = 0;
};

// The container's first process, cloned into its namespaces and held until
// release(), so the caller can place it in a cgroup and wire its network.
class PendingInit {
public:
  pid_t pid() const { return child_.pid(); }
  // Lets the child set up its mounts, then hold before it drops its
  // privileges: the caller can wire the network meanwhile.
  Status begin();
  // Lets the child go on (after begin(), if not called yet); returns once
  // it has exec'd (or failed, with the Docker exit code 125/126/127 in the
  // error). With a tty, the pty master is returned through `pty_master`.
  Status release(UniqueFd *pty_master);
  // The tap device of a spec with one, received during begin().
  UniqueFd take_tap() { return std::move(tap_fd_); }

private:
  friend Result<PendingInit> clone_init(const InitSpec &, int, int, int);
  sys::Child child_;
  bool begun_ = false;
  UniqueFd go_;
  // What the child still has to hand over on its socket, in this order:
  // the tap device, the root's FUSE connection (with the program's argv
  // to serve it: the fuse-overlayfs driver), the pty master.
  bool tap_ = false;
  std::vector<std::string> fuse_argv_;
  bool tty_ = false;
  UniqueFd tap_fd_;
};

// stdin/stdout/stderr fds become the child's 0/1/2 (unused with a tty).
Result<PendingInit> clone_init(const InitSpec &spec, int in, int out, int err);

// Writes the ID maps of a --userns=keep-id container's user namespace.
Status write_keep_id_maps(pid_t pid, uint32_t uid, uint32_t gid);

} // namespace skiff::runtime
