// A container's changes over its image's layers: the list `diff` prints and
// the layer tar `commit` stores, with whiteouts as the OCI image spec and
// moby write them (".wh.NAME" for a deletion, ".wh..wh..opq" in a
// directory whose lower content is hidden).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/image/tar_writer.hpp"
#include "skiff/util/result.hpp"

namespace skiff::image {

// `docker diff`'s letters.
enum class ChangeKind : char { added = 'A', changed = 'C', deleted = 'D' };

struct DiffEntry {
  std::string path;  // relative, without a leading '/': "etc/passwd"
  ChangeKind kind = ChangeKind::changed;
  // How it goes into the layer: its file, a ".wh." whiteout, or nothing
  // (a deletion that its directory's opaque marker already makes).
  enum class InTar { file, whiteout, none } in_tar = InTar::file;
  bool opaque = false;  // a directory hiding what the layers below had
  // A whiteout's owner and time (the overlay whiteout node's; 0 when the
  // deletion was found by comparing a copy).
  uid_t uid = 0;
  gid_t gid = 0;
  int64_t mtime = 0;
};

struct DiffSource {
  int top_fd = -1;             // the container's upper dir, or its full copy
  std::vector<int> lower_fds;  // the image's layer dirs, top first (overlay whiteouts)
  // top is a full copy of the image (vfs): unchanged entries are found by
  // comparing, deletions by listing the layers; else top is an overlay
  // upper dir holding only what changed, its whiteouts char devices 0/0
  // or fuse-overlayfs's ".wh." files, opaque dirs marked by an xattr or
  // a ".wh..wh..opq" file.
  bool full_copy = false;
};

// The changes, depth first in name order (a directory before what is in
// it), without what the runtime itself made in every container (below).
Result<std::vector<DiffEntry>> diff_layers(const DiffSource &src);

// Writes the entries as a layer tar and closes it. No entries: no layer
// (a commit that changed nothing adds none, as Docker's).
Status write_diff_tar(int top_fd, const std::vector<DiffEntry> &entries, TarWriter &w);

// Pure rules, for the walk above and for tests.
namespace diff_rules {

// What the walk knows of a file.
struct Facts {
  mode_t type = S_IFREG;  // S_IFMT bits
  mode_t perm = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  int64_t size = 0;
  int64_t mtime_sec = 0, mtime_nsec = 0;
  dev_t rdev = 0;
  std::string link;  // a symlink's target
};
Facts facts_of(const struct stat &st);

// "NAME" for fuse-overlayfs's whiteout file ".wh.NAME"; none for other
// names and for the ".wh..wh." bookkeeping names (the opaque marker too).
std::optional<std::string> whiteout_target(std::string_view name);
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
// fuse-overlayfs keeps this node beside the opaque marker: bookkeeping,
// no whiteout.
constexpr std::string_view kFuseOpaqueMarker = ".wh..opq";

// Whether the file at `rel` is one the runtime makes in every container
// (Docker keeps them in its init layer, so `docker diff` never shows
// them): the empty /.dockerenv and /run/.containerenv, the empty 0755 mount
// points of /etc/hosts, /etc/hostname, /etc/resolv.conf and /dev/console,
// the /etc/mtab link to /proc/mounts.
bool runtime_file(std::string_view rel, const Facts &f);
// Whether directory `rel`, absent from the image and holding no change of
// the container's, is one the runtime made: a mount point (/proc, /sys,
// /dev and those in /dev) or a parent of a runtime file (/etc, /run),
// root's and 0755 as the runtime makes them.
bool runtime_dir(std::string_view rel, const Facts &f);

// A full copy's entry is unchanged: same type, mode, owner, and for a
// non-directory the same size, mtime, link target and device.
bool unchanged(const Facts &copy, const Facts &image);
// A directory's own metadata (mode and owner) changed.
bool dir_changed(const Facts &top, const Facts &image);

} // namespace diff_rules

} // namespace skiff::image
