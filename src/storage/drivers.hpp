// Internal to the store: which layer drivers (layer_driver.hpp) work on
// this machine.
#pragma once

#include <string>

#include "skiff/storage/layer_driver.hpp"

namespace skiff::storage::detail {

// Whether fuse-overlayfs can serve a root here: the program is on PATH
// and /dev/fuse opens read-write for us.
bool fuse_overlayfs_usable();
// The first driver that works here, in order of preference: overlay,
// fuse-overlayfs, vfs. `root` holds the probe's scratch directories.
DriverKind probe_driver(const std::string &root);

} // namespace skiff::storage::detail
