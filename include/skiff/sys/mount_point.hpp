// Whether a path is the root of a mount (statx's STATX_ATTR_MOUNT_ROOT):
// a bind of a directory of the same file system has its parent's st_dev,
// so comparing devices cannot tell.
#pragma once

#include <string>

#include "skiff/util/result.hpp"

namespace skiff::sys {

Result<bool> is_mount_point(const std::string &path);

} // namespace skiff::sys
