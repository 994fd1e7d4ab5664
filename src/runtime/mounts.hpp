// Internal to the runtime: mount steps of the container child.
#pragma once

#include <sys/syscall.h>

#include "skiff/runtime/launch.hpp"

namespace skiff::runtime::detail {

// First step in the new mount namespace, whose mounts are peers of the
// host's: they become slaves, so nothing mounted or unmounted here reaches
// the host while the host's new mounts still reach binds that ask for them.
// The mount holding a shared bind's source (for rshared, with the mounts
// below it) stays a peer, so the container's mounts there reach the host;
// it cannot be the root mount or the one holding the container's root,
// which pivot_root needs unshared.
Status isolate_mounts(const InitSpec &p);
// `fuse_sock`: where the fuse-overlayfs driver hands its connection over.
Status mount_root(const InitSpec &p, int fuse_sock);
Status mount_all(const InitSpec &p);
Status pivot_into(const std::string &rootfs);
// After pivot_root: Docker's masked and read-only paths (missing ones skipped).
void mask_paths(const InitSpec &p);
Status remount_readonly(const std::string &path, unsigned long extra);

} // namespace skiff::runtime::detail
