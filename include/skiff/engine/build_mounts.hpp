// What RUN --mount asks of the engine: cache mounts kept in the store
// between builds, and private directories a step's mounts are made from
// (copies of bound sources, secrets), removed with the step.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

// BuildKit's cache sharing: shared (any number of steps at once), locked
// (one step at a time, the others wait), private (a step takes a free
// copy, or a new empty one when every copy is in use).
enum class CacheSharing { shared, private_, locked };

struct CacheMountRequest {
  std::string id;       // the cache's ID (id=, or the target)
  std::string variant;  // what else tells caches of one ID apart (from, source, owner, mode)
  CacheSharing sharing = CacheSharing::shared;
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0755;
  // Fills a cache made new (from=: the stage's files), given its root.
  std::function<Status(int dir_fd)> seed;
};

// A cache directory held for a step: in use (prune leaves it) until
// destroyed. Kept under ROOT/buildcache/mounts/, one directory per ID and
// variant, each copy with its lock file.
class HeldCacheMount {
public:
  const std::string &path() const { return path_; }

private:
  friend Result<HeldCacheMount> hold_cache_mount(Engine &, const CacheMountRequest &);
  std::string path_;
  UniqueFd lock_;
};
Result<HeldCacheMount> hold_cache_mount(Engine &eng, const CacheMountRequest &r);

struct CacheMountsPruned {
  std::vector<std::string> removed;  // the copies' names (<cache>/<n>)
  uint64_t reclaimed = 0;  // bytes
};
// `builder prune`: removes the cache mounts no step holds (last used
// before `until` when given).
Result<CacheMountsPruned> prune_cache_mounts(Engine &eng, std::optional<int64_t> until);

// A directory of this process's, removed with it; a killed build's are
// swept by the next. `runtime`: under the runtime root (a tmpfs where
// there is one), for secrets, else under the store.
class StepScratch {
public:
  static Result<StepScratch> make(Engine &eng, bool runtime);
  StepScratch(StepScratch &&) noexcept;
  StepScratch &operator=(StepScratch &&) = delete;
  ~StepScratch();
  const std::string &path() const { return path_; }

private:
  StepScratch() = default;
  std::string path_;
};

} // namespace skiff::engine
