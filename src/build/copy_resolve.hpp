// Paths in a stage root as BuildKit's fs.RootPath reads them: symlinks
// followed inside the root, ".." never above it. Private to the build module.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::build {

// `path` (absolute) with every symlink in it resolved inside `root_fd`,
// the final one too; what does not exist is kept as written. The result
// is absolute and clean.
Result<std::string> resolve_in_root(int root_fd, const std::string &path);

// lstat of an absolute, resolved path under root_fd; nullopt when missing.
Result<std::optional<struct stat>> lstat_in_root(int root_fd, const std::string &path);

// The names in an open directory (not "." and ".."), sorted; `where`
// names it in errors.
Result<std::vector<std::string>> sorted_names(int dir_fd, const std::string &where);

} // namespace skiff::build
