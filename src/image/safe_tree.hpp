// Internal to the image module: lexical checks on tar entry names and
// directory lookups that cannot leave an extraction root.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::image::detail {

// "./a//b/" -> "a/b", "/etc/x" -> "etc/x", "." -> "" (the root itself);
// nullopt when ".." climbs above the root ("../x", "a/../../x").
std::optional<std::string> clean_entry_path(std::string_view name);

// Splits a cleaned relative path into its directory and last component.
std::string parent_of(std::string_view rel);
std::string base_of(std::string_view rel);

// Removes `name` in dirfd: a file, or a directory tree without following
// symlinks. Missing is fine. `what` names it in errors.
Status remove_at(int dirfd, const std::string &name, std::string_view what);

// Directory fds (O_PATH) under a root, cached by cleaned relative path.
// Each component is opened with O_NOFOLLOW; a symlinked directory is
// resolved with openat2(RESOLVE_IN_ROOT), so it points back into the root.
class DirCache {
public:
  explicit DirCache(int root_fd) : root_(root_fd) {}
  // Called before each entry: drops stale fds there, so fds returned by
  // get() stay valid while one entry is handled.
  void begin_entry();
  // Must be called after removing anything: a cached path may have led
  // through what was removed.
  void invalidate() { stale_ = true; }
  // fd of directory `rel` ("" is the root). With create, missing
  // directories are made (0755); without, a missing one yields -1.
  Result<int> get(const std::string &rel, bool create);

private:
  int root_;
  bool stale_ = false;
  std::unordered_map<std::string, UniqueFd> fds_;
};

} // namespace skiff::image::detail
