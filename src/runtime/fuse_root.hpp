// Internal to the runtime: the container root of the fuse-overlayfs driver.
//
// The container child opens /dev/fuse and mounts the FUSE file system on
// its root itself, inside its own mount namespace, exactly where the
// overlay driver mounts kernel overlayfs; then it hands the connection to
// the parent, which serves it with the fuse-overlayfs program. So the
// program runs outside the container's PID namespace (the container can
// neither see, signal nor ptrace it, and it holds fds to the host's layer
// directories), and outside its mount namespace too: when the container's
// last process is gone, the namespace and the mount go, the kernel aborts
// the connection and the program exits. Nothing is mounted on the host.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "skiff/runtime/launch.hpp"
#include "skiff/sys/mount_ops.hpp"

namespace skiff::runtime::detail {

// Child side: mounts a FUSE file system on p.rootfs and sends the
// connection's /dev/fuse fd over the unix socket `sock`, through `ops`.
Status mount_fuse_root(sys::MountOps &ops, const InitSpec &p, int sock);

// fuse-overlayfs's argv for the plan's layers, upper and work directories.
std::vector<std::string> fuse_overlayfs_argv(const InitSpec &p);

// Parent side: runs fuse-overlayfs (`argv`) on the connection `conn` that
// container `child` mounted, and returns once it serves it. A child in a
// user namespace of its own (--userns=keep-id) sees IDs through its maps,
// which fuse-overlayfs is given so that files keep their IDs on disk.
Status serve_fuse_root(pid_t child, int conn, std::vector<std::string> argv);

} // namespace skiff::runtime::detail
