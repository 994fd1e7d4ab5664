// Internal to the engine: commit's --pause.
#pragma once

#include "skiff/engine/engine.hpp"
#include "skiff/runtime/freezer.hpp"

namespace skiff::engine {

// Freezes a running container until the result goes, when `pause` asks
// for it and the container has a cgroup to freeze (runtime::Freeze).
// Otherwise nothing is frozen, as Docker's commit goes on unpaused where
// pausing fails.
Result<runtime::Freeze> pause_for_commit(Engine &eng, const ContainerView &v, bool pause);

} // namespace skiff::engine
