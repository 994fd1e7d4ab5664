// WORKDIR makes its directory when the stage lacks it (BuildKit's mkdir
// with parents, owned by the stage's USER): the layer that leaves.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/image/tar_writer.hpp"
#include "skiff/util/result.hpp"

namespace skiff::build {

// The directories of absolute `dir` missing under `root_fd` (symlinks
// resolved inside the root), outermost first, as paths in the root;
// empty when it exists. A part that exists and is no directory fails.
Result<std::vector<std::string>> missing_dirs(int root_fd, const std::string &dir);

// The directories, made 0755 and owned by uid:gid, below the existing
// ones they need (written as they are, as a diff shows them).
Status write_workdir_layer(int root_fd, const std::vector<std::string> &missing, uid_t uid, gid_t gid,
                           int64_t mtime, image::TarWriter &w);

} // namespace skiff::build
