// The layer a copy writes, entry by entry, over the stage root it reads
// for what already exists. Private to the build module.
#pragma once

#include <sys/stat.h>

#include <map>
#include <optional>
#include <string>

#include "skiff/build/copy.hpp"
#include "skiff/image/tar_writer.hpp"

namespace skiff::build {

class LayerOut {
public:
  LayerOut(const CopyRequest &r, int dest_root_fd, image::TarWriter &w)
      : r_(r), root_(dest_root_fd), w_(w) {}

  // The type at `abs` (resolved, absolute) once the layer so far is over
  // the stage: S_IFDIR, S_IFREG..., 0 when nothing is there.
  Result<mode_t> type_at(const std::string &abs);
  // Writes each directory of `abs` (itself included) not in the layer yet:
  // existing ones with the metadata they have in the stage (what overlay's
  // copy-up keeps), missing ones as fsutil's MkdirAll makes them (0755 or
  // --chmod's bits, the --chown owner or root, the request's mtime).
  // `mtime` replaces the last one's time (a copied directory's own).
  Status ensure_dir(const std::string &abs, std::optional<int64_t> mtime = std::nullopt);
  // Writes one entry at `abs`; a regular file's data follows with data().
  Status entry(const std::string &abs, image::TarHeader h);
  Status data(const void *p, size_t n) { return w_.data(p, n); }

  // The owner of a copied entry whose source owner is `st`: --chown's, else
  // the source's when `keep` (a stage's files, an archive's entries), else root.
  int64_t uid(const struct stat &st, bool keep) const;
  int64_t gid(const struct stat &st, bool keep) const;
  // Its permission bits: --chmod's, or the source's.
  mode_t perm(const struct stat &st) const;

private:
  const CopyRequest &r_;
  int root_;
  image::TarWriter &w_;
  std::map<std::string, mode_t> written_;  // absolute path -> type
};

// A tar name for an absolute path.
std::string tar_name(const std::string &abs);

} // namespace skiff::build
