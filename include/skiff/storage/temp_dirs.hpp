// Temporary entries of the store (a layer being extracted, an archive
// being read, a layer being deleted) are named <prefix><pid>-<random>
// after the process that made them: once that process is gone, any later
// one can tell they are debris of a crash and sweep them.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::storage {

// A fresh temporary path in `dir` owned by this process.
std::string temp_path(const std::string &dir, std::string_view prefix);
// The PID in a temporary entry's name, or 0 when `name` is not one.
pid_t temp_owner(std::string_view name, std::string_view prefix);
// Removes the temporary entries of `dir` whose process is gone. Each is
// first renamed to a temporary name of this process, so two sweepers never
// delete the same tree and one killed midway leaves debris for the next.
void sweep_temps(const std::string &dir, std::string_view prefix);
// Removes the files fs::write_file_atomic left in `dir`
// (`<name>.tmp-<pid>-<random>`) whose process is gone.
void sweep_file_temps(const std::string &dir);
// Removes every temporary file beside `file` (`<file>.tmp-*`): for the
// holder of the lock under which `file` is written, all are debris.
void remove_file_temps(const std::string &file);
// Deletes the tree at `path` so that nobody sees it half gone: it is
// renamed to a temporary name in `dir` (same file system), then removed.
Status remove_tree(const std::string &path, const std::string &dir, std::string_view prefix);

} // namespace skiff::storage
