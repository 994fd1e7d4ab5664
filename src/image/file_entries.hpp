// Internal to the image module: what the walkers that write a directory
// tree as tar (export's tree_tar, commit's layer_diff) share. Every name
// is opened relative to a directory fd without following links.
#pragma once

#include <sys/stat.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "skiff/image/tar_writer.hpp"
#include "skiff/util/result.hpp"

namespace skiff::image::detail {

// The names in directory `dfd` (bar "." and ".."), sorted, with their
// d_type; `prefix` ("" or "a/b/") names it in errors.
Result<std::vector<std::pair<std::string, unsigned char>>> list_dir(int dfd, const std::string &prefix);

// The target of the symlink `name` in `dfd`, whose stat is `st`; `rel`
// names it in errors.
Result<std::string> read_link(int dfd, const std::string &name, const struct stat &st, const std::string &rel);

// The header a file's stat gives: type, permissions, owner and time.
TarHeader header_of(const struct stat &st, std::string name);

// Writes the entries of files other than directories: regular files
// (hardlinked ones as hardlinks to the first name written; the
// security.capability xattr kept), symlinks, devices and fifos; sockets
// are left out.
class FileEntries {
public:
  explicit FileEntries(TarWriter &w) : w_(w), buf_(256 * 1024) {}

  // The entry of `name` in `dfd`, whose stat is `st`; `h` is header_of(st)
  // under its name in the archive.
  Status write(int dfd, const std::string &name, const struct stat &st, TarHeader h);

private:
  Status regular(int dfd, const std::string &name, const struct stat &st, TarHeader &h);

  TarWriter &w_;
  std::vector<char> buf_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

} // namespace skiff::image::detail
