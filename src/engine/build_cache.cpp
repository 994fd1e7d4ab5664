// builder prune: the build cache's entries removed, then their layers.
#include <set>

#include "skiff/engine/build_mounts.hpp"
#include "skiff/engine/build_steps.hpp"
#include "store_access.hpp"

namespace skiff::engine {

Result<BuildCachePruned> prune_build_cache(Engine &eng, const BuildCachePrune &p) {
  auto &store = store_of(eng);
  std::set<std::string> in_images;
  if (!p.all)
    for (const auto &img : TRY(store.images()))
      in_images.insert(img.layers.begin(), img.layers.end());
  BuildCachePruned out;
  for (const auto &e : TRY(storage::build_cache_entries(store))) {
    if (p.until && e.last_used >= *p.until)
      continue;
    // Without -a, what an image is made of stays: a rebuild of it is instant.
    if (!p.all && !e.layers.empty() && in_images.count(e.layers.back()))
      continue;
    TRY_STATUS(storage::remove_build_cache(store, e.key));
    out.keys.push_back(e.key);
  }
  if (!out.keys.empty())
    out.reclaimed = TRY(store.gc_layers());
  // Cache mounts are no image's: BuildKit's prune takes them with or
  // without -a, each when no step uses it.
  auto mounts = TRY(prune_cache_mounts(eng, p.until));
  out.keys.insert(out.keys.end(), mounts.removed.begin(), mounts.removed.end());
  out.reclaimed += mounts.reclaimed;
  return out;
}

} // namespace skiff::engine
