// What a step's mounts leave in its container's writable layer: the
// runtime makes a mount point (an empty directory or file, and the
// directories above it) for each mount the image lacks a path for.
// BuildKit removes these stubs before it takes the layer
// (executor/stubs.go), so an image has none; so does a build here.
#pragma once

#include <string>
#include <vector>

#include "skiff/storage/container_config.hpp"
#include "skiff/storage/store.hpp"

namespace skiff::engine::detail {

// Removes from container `c`'s writable layer each of `dests` (absolute
// paths in the container) and, upward, each parent, that the image's
// `layers` lack and that is still an empty directory or an empty file
// (anything the step wrote there stays); the parents' times are kept.
void remove_mount_stubs(const storage::Store &store, const storage::ContainerConfig &c,
                        const std::vector<std::string> &layers, const std::vector<std::string> &dests);

} // namespace skiff::engine::detail
