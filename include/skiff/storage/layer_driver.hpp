// Layer drivers: how a container's root is made from its image's layers.
// A store has one (recorded in ROOT/driver), each container records the one
// that made its root, and the code that creates, mounts, inspects and
// exports containers asks the driver's traits, never its name: names are
// read by parse_driver and written by driver_name alone.
#pragma once

#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::storage {

enum class DriverKind {
  overlay,         // kernel overlayfs of the layers under the container's upper dir
  fuse_overlayfs,  // the same layout, served by the fuse-overlayfs program
  vfs,             // the container's own copy of the image, made at create
};

struct LayerDriver {
  DriverKind kind;
  // --storage-driver, ROOT/driver, config.json, info, inspect's GraphDriver.
  std::string_view name;
  // The root is a full copy of the image's layers, made at create in the
  // container's directory (Store::prepare_root) and bound as the root;
  // else the image's layer dirs stacked under the container's upper/ and
  // work/ dirs, which inspect shows and a stopped container's view stacks.
  bool copies_root;
};

const LayerDriver &layer_driver(DriverKind kind);
inline std::string_view driver_name(DriverKind kind) { return layer_driver(kind).name; }
// A driver's name; anything else is an error naming the drivers there are.
Result<DriverKind> parse_driver(std::string_view name);

} // namespace skiff::storage
