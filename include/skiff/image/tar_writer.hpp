// Writing tar streams (POSIX pax): image archives made by save, and a
// directory tree as export writes it.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skiff/image/tar_split.hpp"
#include "skiff/util/result.hpp"

namespace skiff::image {

struct TarHeader {
  std::string name;          // relative; directories get their trailing '/'
  mode_t type = S_IFREG;     // S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO
  mode_t perm = 0644;
  int64_t uid = 0, gid = 0;
  int64_t size = 0;          // regular files: the bytes data() must then get
  int64_t mtime = 0;         // seconds
  std::string link;          // symlink target, or hardlink target name
  bool hardlink = false;
  unsigned rdev_major = 0, rdev_minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

class TarWriter {
public:
  explicit TarWriter(ByteSink sink);
  ~TarWriter();
  TarWriter(const TarWriter &) = delete;
  TarWriter &operator=(const TarWriter &) = delete;

  Status header(const TarHeader &h);
  // Contents of the regular file whose header came last, in pieces.
  Status data(const void *p, size_t n);
  // Ends the archive (end-of-archive blocks).
  Status close();

  // A whole regular file.
  Status add_file(const std::string &name, std::string_view content);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes the tree under `root_fd` as docker export does: entries in name
// order without a leading "./", hardlinked files as hardlinks, the
// security.capability xattr kept, sockets left out. Nothing below the root
// is followed. `beneath` are entries of a layer under the tree (names
// without "./" or a trailing '/'), written where the tree has nothing of
// that name: the init layer docker export shows.
Status write_tree_tar(int root_fd, TarWriter &w, const std::vector<TarHeader> &beneath = {});

} // namespace skiff::image
