// The container child's root: the mount and host part of its setup, made
// in its new namespaces before it takes on the container's user,
// capabilities and seccomp filter. Every syscall goes through `ops`, so
// tests/unit/test_mount_sequence.cpp checks the order against a recording
// fake, without privileges.
#pragma once

#include "skiff/runtime/launch.hpp"
#include "skiff/sys/mount_ops.hpp"

namespace skiff::runtime {

// In order: the host's mounts made slaves, the root (overlay, the vfs copy
// bound, or fuse-overlayfs, whose connection goes over `fuse_sock`), the
// spec's mounts under it, then the cgroup mount and device nodes,
// pivot_root into it with the old root detached, masked and read-only
// paths, the read-only root, the hostname, and the rlimits (NOFILE's soft
// limit raised to the hard one, then --ulimit). Stops at the first failure.
Status prepare_root(sys::MountOps &ops, const InitSpec &spec, int fuse_sock);

} // namespace skiff::runtime
