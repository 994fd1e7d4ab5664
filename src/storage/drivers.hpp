// Internal to the store: which layer drivers exist and which of them work
// on this machine. A driver is how a container's root is made from its
// image's layers: "overlay" (kernel overlayfs), "fuse-overlayfs" (the same
// layout served by the fuse-overlayfs program), "vfs" (a copy per container).
#pragma once

#include <string>

namespace skiff::storage::detail {

bool known_driver(const std::string &name);
// Whether fuse-overlayfs can serve a root here: the program is on PATH
// and /dev/fuse opens read-write for us.
bool fuse_overlayfs_usable();
// The first driver that works here, in order of preference: overlay,
// fuse-overlayfs, vfs. `root` holds the probe's scratch directories.
std::string probe_driver(const std::string &root);

} // namespace skiff::storage::detail
