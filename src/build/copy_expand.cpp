// Sources named by a COPY or ADD: plain paths and wildcards, resolved in
// the source root (fsutil's ResolveWildcards).
#include <fcntl.h>

#include "copy_resolve.hpp"
#include "copy_source.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

namespace {

std::string join(const std::string &a, const std::string &b) {
  return a.empty() ? b : a + "/" + b;
}

// Whether the context holds `path` (relative): not ignored, or an ignored
// directory that something below is brought back from.
bool in_context(const dockerfile::IgnoreRules *ignore, const std::string &path, bool dir) {
  if (!ignore || path.empty() || !ignore->excluded(path))
    return true;
  return dir && ignore->may_include_below(path);
}

// filepath.Walk below `base` (relative to the root), matching `pattern` on
// paths relative to it; a matching directory is not entered. Directories
// deeper than the pattern cannot match and are not read.
Status walk_matches(int root_fd, const std::string &base, const std::string &rel,
                    const std::string &pattern, size_t depth, size_t max_depth,
                    const dockerfile::IgnoreRules *ignore, std::vector<std::string> &out) {
  std::string dir = join(base, rel);
  auto fd = fs::open_in_root(root_fd, dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY);
  if (!fd)
    return {};  // not a directory, or gone: nothing below it
  auto names = TRY(sorted_names(fd->get(), "/" + dir));
  for (const auto &name : names) {
    std::string child = join(rel, name);
    struct stat st;
    if (::fstatat(fd->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      continue;
    bool is_dir = S_ISDIR(st.st_mode);
    if (!in_context(ignore, join(base, child), is_dir))
      continue;
    if (glob_match(pattern, child))
      out.push_back(join(base, child));
    else if (is_dir && depth + 1 < max_depth)
      TRY_STATUS(walk_matches(root_fd, base, child, pattern, depth + 1, max_depth, ignore, out));
  }
  return {};
}

} // namespace

Error source_not_found(const std::string &src) {
  return make_error(Errc::not_found, "failed to compute cache key: \"{}\": not found",
                    fs::clean_path(src));
}

Result<std::vector<std::string>> expand_source(int root_fd, const std::string &src,
                                               const dockerfile::IgnoreRules *ignore) {
  std::vector<std::string> literal, wild;
  for (auto &c : str::split(fs::clean_path(src), '/')) {
    if (c.empty())
      continue;
    (wild.empty() && !has_wildcards(c) ? literal : wild).push_back(c);
  }
  std::string prefix = TRY(resolve_in_root(root_fd, "/" + str::join(literal, "/"))).substr(1);
  if (wild.empty()) {
    auto st = TRY(lstat_in_root(root_fd, "/" + prefix));
    // The name as written is what .dockerignore sees.
    std::string named = fs::clean_path(src).substr(1);
    if (!st || !in_context(ignore, named, S_ISDIR(st->st_mode)) ||
        !in_context(ignore, prefix, S_ISDIR(st->st_mode)))
      return source_not_found(src);
    return std::vector<std::string>{prefix};
  }
  std::vector<std::string> out;
  TRY_STATUS(walk_matches(root_fd, prefix, "", str::join(wild, "/"), 0, wild.size(), ignore, out));
  return out;
}

} // namespace skiff::build
