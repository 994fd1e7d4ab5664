// Internal to the runtime: mount steps of the container child, each making
// its syscalls through `ops` (sys/mount_ops.hpp).
#pragma once

#include "skiff/runtime/launch.hpp"
#include "skiff/sys/mount_ops.hpp"

namespace skiff::runtime::detail {

// First step in the new mount namespace, whose mounts are peers of the
// host's: they become slaves, so nothing mounted or unmounted here reaches
// the host while the host's new mounts still reach binds that ask for them.
// The mount holding a shared bind's source (for rshared, with the mounts
// below it) stays a peer, so the container's mounts there reach the host;
// it cannot be the root mount or the one holding the container's root,
// which pivot_root needs unshared.
Status isolate_mounts(sys::MountOps &ops, const InitSpec &p);
// `fuse_sock`: where the fuse-overlayfs driver hands its connection over.
Status mount_root(sys::MountOps &ops, const InitSpec &p, int fuse_sock);
Status mount_all(sys::MountOps &ops, const InitSpec &p);
Status pivot_into(sys::MountOps &ops, const std::string &rootfs);
// After pivot_root: Docker's masked and read-only paths (missing ones skipped).
void mask_paths(sys::MountOps &ops, const InitSpec &p);
Status remount_readonly(sys::MountOps &ops, const std::string &path, unsigned long extra);

} // namespace skiff::runtime::detail
