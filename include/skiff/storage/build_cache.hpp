// The build cache: what each build step produced, by its cache key, so
// that a rebuild reuses it. One small JSON file a step under
// ROOT/buildcache/ (no shared index: parallel builds never contend), each
// written atomically. A cache, not a record: a lost or torn entry costs a
// rebuild of that step, so entries are neither fsynced nor trusted
// (one that does not read is a miss). Its layers are kept by gc
// (Store::pinned_layers) until `builder prune` removes the entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skiff/storage/store.hpp"

namespace skiff::storage {

struct BuildCacheEntry {
  std::string key;                  // hex, the step's cache key
  std::vector<std::string> layers;  // chain IDs, bottom first: the stage after the step
  std::string diff_id;              // of the step's own layer; empty when it added none
  int64_t created = 0;              // ns: when the step ran, its history time
  int64_t last_used = 0;            // ns
  int64_t size = 0;                 // bytes of the step's own layer
  std::string description;          // the instruction, as `builder prune` lists it
};

std::string build_cache_dir(const Store &store);
// The entry for `key`, none when there is none or it does not read.
std::optional<BuildCacheEntry> read_build_cache(const Store &store, const std::string &key);
Status write_build_cache(const Store &store, const BuildCacheEntry &e);
Result<std::vector<BuildCacheEntry>> build_cache_entries(const Store &store);
Status remove_build_cache(const Store &store, const std::string &key);

} // namespace skiff::storage
