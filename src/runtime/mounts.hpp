// Internal to the runtime: mount steps of the container child.
#pragma once

#include <sys/syscall.h>

#include "skiff/runtime/launch.hpp"

namespace skiff::runtime::detail {

// `fuse_sock`: where the fuse-overlayfs driver hands its connection over.
Status mount_root(const LaunchPlan &p, int fuse_sock);
Status mount_all(const LaunchPlan &p);
Status pivot_into(const std::string &rootfs);
// After pivot_root: Docker's masked and read-only paths (missing ones skipped).
void mask_paths(const LaunchPlan &p);
Status remount_readonly(const std::string &path, unsigned long extra);

} // namespace skiff::runtime::detail
