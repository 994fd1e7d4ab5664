// Internal to the engine: where a container's changes are, for diff and
// commit.
#pragma once

#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/image/layer_diff.hpp"
#include "skiff/util/fd.hpp"

namespace skiff::engine {

// The container's own layer (its overlay upper dir, or its vfs copy) and
// its image's layers, open; `source()` points into them.
struct ContainerLayers {
  UniqueFd top;
  std::vector<UniqueFd> lowers;  // top first
  bool full_copy = false;
  // The container never started: no upper dir, nothing changed.
  bool untouched = false;

  image::DiffSource source() const;
};

Result<ContainerLayers> open_container_layers(Engine &eng, const ContainerView &v);

} // namespace skiff::engine
