// A container's root as a directory fd, for export, without changing any
// mount anyone else sees: the live root mount of a running container, or
// its layers stacked read-only as its driver stacks them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/storage/layer_driver.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::runtime {

// Mounts a read-only overlay of `dirs` (top first: the container's upper
// dir, then its image's layers) on `scratch` (an empty directory) in a
// mount namespace of a short-lived child, and returns the overlay's root
// opened as a directory. The fd keeps the overlay alive after the child
// and its namespace are gone. For a container that does not run: its
// upper dir is not to be used by two overlays at once.
Result<UniqueFd> open_overlay_readonly(const std::vector<std::string> &dirs, bool userxattr,
                                       const std::string &scratch);

// The same through fuse-overlayfs, for layers in its format (rootless it
// marks opaque directories with a .wh..wh..opq file, which kernel
// overlayfs does not read). Its daemon exits when the fd is closed.
Result<UniqueFd> open_fuse_overlay_readonly(const std::vector<std::string> &dirs, const std::string &scratch);

// `dirs` stacked read-only as `driver` stacks a container's layers (kernel
// overlayfs or fuse-overlayfs, as above); a driver that copies the root
// stacks nothing, and is refused.
Result<UniqueFd> open_layers_readonly(storage::DriverKind driver, const std::vector<std::string> &dirs,
                                      bool userxattr, const std::string &scratch);

// The root of running container init `pid` (with start time `start`,
// against a reused pid): a detached copy of its root mount alone, without
// what is mounted above it (volumes, /proc, /dev, /etc/hosts), so the
// files are those the container sees and writes.
Result<UniqueFd> open_live_root(pid_t pid, uint64_t start);

} // namespace skiff::runtime
