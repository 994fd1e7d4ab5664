// ADD's local archives: a tar, plain or compressed (gzip, bzip2, xz, zstd),
// is extracted into the destination instead of copied, as Docker's ADD
// does. Private to the build module.
#pragma once

#include <string>

#include "copy_out.hpp"

namespace skiff::build {

// Whether the regular file open at `fd` reads as a tar archive (its first
// header, after any decompression), as BuildKit's isArchivePath decides.
bool is_archive(int fd);

// Writes the archive's entries below `dest` (absolute, resolved, made a
// directory). An entry whose name, hardlink or relative symlink target
// would leave `dest` is refused, as moby's archive package refuses it.
Status extract_archive(int fd, const std::string &dest, LayerOut &out);

} // namespace skiff::build
