// The engine's own way to its store. Engine keeps the store private so
// that its callers go through the facade; the engine's free functions
// (pull, push, image lists, archives, ...) reach it through this header,
// which is private to src/engine/.
#pragma once

#include "skiff/engine/engine.hpp"

namespace skiff::engine {

struct StoreAccess {
  static storage::Store &of(Engine &e) { return e.store_; }
};

inline storage::Store &store_of(Engine &e) { return StoreAccess::of(e); }

} // namespace skiff::engine
