// Unpacks an image archive (docker save / oci-archive output): a tar of
// directories, regular files and symlinks (podman and older docker write
// "<id>/layer.tar -> ../<diff>.tar"). Symlinks are stored as they are and
// never followed here; readers open members with RESOLVE_IN_ROOT, so a
// link pointing out of the archive resolves inside it. Hardlinks and
// special files are refused.
#include "skiff/image/layer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <archive_entry.h>

#include "safe_tree.hpp"
#include "tar_stream.hpp"

namespace skiff::image {

using namespace detail;

namespace {

std::string_view type_name(mode_t type) {
  switch (type) {
  case AE_IFLNK:
    return "a symlink";
  case AE_IFCHR:
  case AE_IFBLK:
    return "a device";
  case AE_IFIFO:
    return "a fifo";
  default:
    return "of an unsupported type";
  }
}

Status extract_file(TarStream &tar, archive_entry *e, int pfd, const std::string &base) {
  // The archive's modes and owners do not matter for blobs that skiff only
  // reads back, so files are plainly ours.
  constexpr int flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd fd(::openat(pfd, base.c_str(), flags, 0644));
  if (!fd)
    return sys_error("creating file");
  return tar.copy_data(fd.get(), archive_entry_size(e));
}

Status extract_entry(TarStream &tar, DirCache &dirs, archive_entry *e) {
  const char *raw = archive_entry_pathname(e);
  if (!raw)
    return make_error(Errc::invalid, "image archive entry without a name");
  auto rel = clean_entry_path(raw);
  if (!rel)
    return make_error(Errc::invalid,
                      "image archive entry \"{}\" climbs out of the destination", raw);
  mode_t type = archive_entry_filetype(e);
  if (archive_entry_hardlink(e))
    return make_error(Errc::invalid,
                      "image archive entry \"{}\" is a hardlink, which is not allowed", raw);
  if (type != AE_IFDIR && type != AE_IFREG && type != AE_IFLNK)
    return make_error(Errc::invalid, "image archive entry \"{}\" is {}, which is not allowed",
                      raw, type_name(type));
  dirs.begin_entry();
  Status st;
  if (type == AE_IFDIR) {
    auto fd = dirs.get(*rel, true);
    if (!fd)
      st = std::move(fd).error();
  } else if (rel->empty()) {
    st = make_error(Errc::invalid, "the root is not a file");
  } else if (auto pfd = dirs.get(parent_of(*rel), true); !pfd) {
    st = std::move(pfd).error();
  } else if (type == AE_IFLNK) {
    const char *target = archive_entry_symlink(e);
    if (!target || ::symlinkat(target, *pfd, base_of(*rel).c_str()) < 0)
      st = sys_error("creating symlink");
  } else {
    st = extract_file(tar, e, *pfd, base_of(*rel));
  }
  if (!st)
    return std::move(st).error().wrap(fmt::format("image archive entry \"{}\"", raw));
  return {};
}

} // namespace

// moby's load untars in a child (chrootarchive) and reports Go's
// archive/tar reason so: a stream too short for a header, or cut short, is
// "unexpected EOF"; a block that is no header "archive/tar: invalid tar
// header". A read error stays what it is.
static Error tar_format_error(TarStream &tar, Error e) {
  if (e.code == Errc::system)
    return e;
  bool short_input = tar.bytes_read() < 512 || e.message.find("Truncated") != std::string::npos;
  return make_error(Errc::invalid, "Error processing tar file(exit status 1): {}",
                    short_input ? "unexpected EOF" : "archive/tar: invalid tar header");
}

Status extract_archive(int input_fd, const std::string &dest_dir) {
  UniqueFd root(::open(dest_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return sys_error("opening {}", dest_dir);
  TarStream tar(input_fd, false, "image archive");
  if (auto s = tar.open(); !s)
    return tar_format_error(tar, std::move(s).error());
  DirCache dirs(root.get());
  for (;;) {
    auto e = tar.next();
    if (!e)
      return tar_format_error(tar, std::move(e).error());
    if (!*e)
      return {};
    if (auto s = extract_entry(tar, dirs, *e); !s)
      return std::move(s).error().wrap("reading the archive");
  }
}

} // namespace skiff::image
