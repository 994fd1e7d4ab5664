// ADD's local archives: a tar, plain or compressed (gzip, bzip2, xz, zstd),
// is extracted into the destination instead of copied, as Docker's ADD
// does. Private to the build module.
#pragma once

#include <string>

#include "copy_out.hpp"

struct archive;

namespace skiff::build {

// What a tar reader of the build reads (ADD's archives, archive contexts):
// tar, plain or gzip, bzip2, xz or zstd. skiff links no bzip2 or xz
// library: those two go through the tools, as moby's archive package runs
// xz itself.
void support_archive_formats(archive *a);

// Whether the regular file open at `fd` reads as a tar archive (its first
// header, after any decompression), as BuildKit's isArchivePath decides.
bool is_archive(int fd);

// Writes the archive's entries below `dest` (absolute, resolved, made a
// directory). An entry whose name, hardlink or relative symlink target
// would leave `dest` is refused, as moby's archive package refuses it.
Status extract_archive(int fd, const std::string &dest, LayerOut &out);

} // namespace skiff::build
