// Cache mounts and a step's private directories (build_mounts.hpp).
//
// A cache is ROOT/buildcache/mounts/<name>/, holding copies <n>/ each
// guarded by <n>.lock (flock: shared or exclusive while a step uses it;
// its mtime is when it was last used). A copy is made under a temporary
// name and renamed into place, so one is whole or absent; prune takes
// the lock exclusively without waiting, so it never removes one in use,
// and unlinks the lock file last: a step that then gets the lock sees it
// gone and starts over.
#include "skiff/engine/build_mounts.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "skiff/storage/build_cache.hpp"
#include "skiff/storage/temp_dirs.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "store_access.hpp"

namespace skiff::engine {

namespace {

constexpr std::string_view kTempPrefix = ".tmp-";

std::string mounts_dir(const storage::Store &store) { return storage::build_cache_dir(store) + "/mounts"; }

// A readable, unique directory name for a cache: the ID's letters and
// digits, then a hash of the ID and variant.
std::string cache_name(const CacheMountRequest &r) {
  std::string readable;
  for (char c : r.id)
    if (readable.size() < 40)
      readable += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  Sha256 h;
  h.update(r.id);
  h.update(std::string_view("\0", 1));
  h.update(r.variant);
  return readable + "-" + h.hex().substr(0, 16);
}

// The lock of copy `lock_path`, taken with `op`; an empty fd when LOCK_NB
// finds it busy. A lock file prune unlinked meanwhile is taken again.
Result<UniqueFd> take_lock(const std::string &lock_path, int op) {
  for (;;) {
    UniqueFd fd(::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    if (!fd)
      return sys_error("opening the cache mount lock {}", lock_path);
    while (::flock(fd.get(), op) < 0) {
      if (errno == EWOULDBLOCK && (op & LOCK_NB))
        return UniqueFd();
      if (errno != EINTR)
        return sys_error("locking the cache mount {}", lock_path);
    }
    struct stat held, now;
    if (::fstat(fd.get(), &held) == 0 && ::stat(lock_path.c_str(), &now) == 0 && held.st_ino == now.st_ino)
      return fd;
  }
}

// Makes copy `path` when it is missing: owned and moded as asked, seeded.
Status make_copy(const std::string &dir, const std::string &path, const CacheMountRequest &r) {
  if (fs::is_dir(path))
    return {};
  std::string tmp = storage::temp_path(dir, kTempPrefix);
  if (::mkdir(tmp.c_str(), 0700) < 0)
    return sys_error("creating the cache mount {}", path);
  auto made = [&]() -> Status {
    UniqueFd fd(::open(tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
      return sys_error("opening {}", tmp);
    if (r.seed)
      TRY_STATUS(r.seed(fd.get()));
    if (::fchown(fd.get(), r.uid, r.gid) < 0 || ::fchmod(fd.get(), r.mode) < 0)
      return sys_error("setting the owner and mode of the cache mount {}", path);
    // Never over a copy a step sharing the cache made meanwhile.
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) < 0 && errno != EEXIST)
      return sys_error("creating the cache mount {}", path);
    return {};
  }();
  (void)fs::remove_all(tmp);  // what is left when another made it first, or it failed
  return made;
}

void touch(int fd) { (void)::futimens(fd, nullptr); }

} // namespace

Result<HeldCacheMount> hold_cache_mount(Engine &eng, const CacheMountRequest &r) {
  auto &store = store_of(eng);
  std::string dir = mounts_dir(store) + "/" + cache_name(r);
  TRY_STATUS(fs::mkdir_p(dir, 0700));
  storage::sweep_temps(dir, kTempPrefix);
  auto held = [&](int n, UniqueFd lock) -> Result<HeldCacheMount> {
    HeldCacheMount h;
    h.path_ = fmt::format("{}/{}", dir, n);
    TRY_STATUS(make_copy(dir, h.path_, r));
    touch(lock.get());
    h.lock_ = std::move(lock);
    return h;
  };
  if (r.sharing != CacheSharing::private_) {
    auto lock = TRY(take_lock(dir + "/0.lock", r.sharing == CacheSharing::shared ? LOCK_SH : LOCK_EX));
    return held(0, std::move(lock));
  }
  // private: the first copy no step holds, else a new one.
  for (int n = 0;; n++) {
    std::string lock_path = fmt::format("{}/{}.lock", dir, n);
    if (auto lock = TRY(take_lock(lock_path, LOCK_EX | LOCK_NB)))
      return held(n, std::move(lock));
  }
}

Result<CacheMountsPruned> prune_cache_mounts(Engine &eng, std::optional<int64_t> until) {
  auto &store = store_of(eng);
  CacheMountsPruned out;
  std::string top = mounts_dir(store);
  if (!fs::is_dir(top))
    return out;
  for (const auto &name : TRY(fs::list_dir(top))) {
    std::string dir = top + "/" + name;
    storage::sweep_temps(dir, kTempPrefix);
    for (const auto &entry : TRY(fs::list_dir(dir))) {
      if (!entry.ends_with(".lock"))
        continue;
      std::string lock_path = dir + "/" + entry;
      auto lock = TRY(take_lock(lock_path, LOCK_EX | LOCK_NB));
      if (!lock)
        continue;  // in use
      struct stat st;
      if (until && ::fstat(lock.get(), &st) == 0 &&
          st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec >= *until)
        continue;
      std::string copy = lock_path.substr(0, lock_path.size() - 5);
      if (fs::is_dir(copy)) {
        out.reclaimed += fs::tree_size(copy);
        TRY_STATUS(storage::remove_tree(copy, dir, kTempPrefix));
        out.removed.push_back(name + "/" + entry.substr(0, entry.size() - 5));
      }
      if (::unlink(lock_path.c_str()) < 0 && errno != ENOENT)
        return sys_error("removing {}", lock_path);
    }
    (void)::rmdir(dir.c_str());  // kept while a step holds a copy
  }
  return out;
}

Result<StepScratch> StepScratch::make(Engine &eng, bool runtime) {
  auto &store = store_of(eng);
  StepScratch s;
  if (!runtime) {
    s.path_ = TRY(store.scratch_dir());
    return s;
  }
  std::string dir = store.runroot() + "/build-secrets";
  TRY_STATUS(fs::mkdir_p(dir, 0700));
  storage::sweep_temps(dir, "");
  std::string path = storage::temp_path(dir, "");
  if (::mkdir(path.c_str(), 0700) < 0)
    return sys_error("creating {}", path);
  s.path_ = path;
  return s;
}

StepScratch::StepScratch(StepScratch &&o) noexcept : path_(std::exchange(o.path_, {})) {}

StepScratch::~StepScratch() {
  if (!path_.empty())
    (void)fs::remove_all(path_);
}

} // namespace skiff::engine
