// ADD's archive extraction, read with libarchive, written as layer entries.
#include "copy_archive.hpp"

#include <unistd.h>

#include <memory>

#include <archive.h>
#include <archive_entry.h>

#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive *)>;

ArchivePtr open_reader(int fd) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  support_archive_formats(a.get());
  if (::lseek(fd, 0, SEEK_SET) != 0 || archive_read_open_fd(a.get(), fd, 64 * 1024) != ARCHIVE_OK)
    return ArchivePtr(nullptr, archive_read_free);
  return a;
}

// `name` joined under `dest`, or nullopt when it climbs out of it (Go's
// filepath.Join then Rel, as moby's archive package checks).
std::optional<std::string> inside(const std::string &dest, std::string_view name) {
  int depth = 0;
  for (const auto &c : str::split(name, '/')) {
    if (c == "..") {
      if (--depth < 0)
        return std::nullopt;
    } else if (!c.empty() && c != ".") {
      ++depth;
    }
  }
  return fs::clean_path(dest + "/" + std::string(name));
}

Error breakout(std::string_view name, const std::string &dest) {
  return make_error(Errc::failed, "{:?} is outside of {:?}", std::string(name), dest);
}

} // namespace

void support_archive_formats(archive *a) {
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_program_signature(a, "bzip2 -dc", "BZh", 3);
  archive_read_support_filter_program_signature(a, "xz -dc", "\xfd" "7zXZ", 6);
  archive_read_support_filter_zstd(a);
  archive_read_support_format_tar(a);
}

bool is_archive(int fd) {
  ArchivePtr a = open_reader(fd);
  archive_entry *e;
  return a && archive_read_next_header(a.get(), &e) == ARCHIVE_OK;
}

Status extract_archive(int fd, const std::string &dest, LayerOut &out) {
  ArchivePtr a = open_reader(fd);
  if (!a)
    return make_error(Errc::failed, "reading archive for {}: cannot open it", dest);
  TRY_STATUS(out.ensure_dir(dest));
  archive_entry *e;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    std::string raw = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    auto path = inside(dest, raw);
    if (!path)
      return breakout(raw, dest);
    if (*path == dest && archive_entry_filetype(e) != AE_IFDIR)
      continue;
    struct stat st {};
    st.st_uid = static_cast<uid_t>(archive_entry_uid(e));
    st.st_gid = static_cast<gid_t>(archive_entry_gid(e));
    image::TarHeader h;
    h.type = archive_entry_filetype(e);
    h.perm = archive_entry_perm(e) & 07777;
    h.uid = out.uid(st, true);
    h.gid = out.gid(st, true);
    h.mtime = archive_entry_mtime(e);
    if (const char *hl = archive_entry_hardlink(e)) {
      auto target = inside(dest, hl);
      if (!target)
        return make_error(Errc::failed, "invalid hardlink {:?} -> {:?}", std::string(hl), raw);
      h.hardlink = true;
      h.type = S_IFREG;
      h.link = tar_name(*target);
    } else if (h.type == AE_IFLNK) {
      h.link = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
      if (!h.link.empty() && h.link[0] != '/' && !inside(fs::dirname(*path), h.link))
        return breakout(h.link, dest);
    } else if (h.type == AE_IFCHR || h.type == AE_IFBLK) {
      h.rdev_major = archive_entry_rdevmajor(e);
      h.rdev_minor = archive_entry_rdevminor(e);
    } else if (h.type == AE_IFREG) {
      h.size = archive_entry_size(e);
    } else if (h.type != AE_IFDIR && h.type != AE_IFIFO) {
      continue;  // sockets and the like: nothing a layer can hold
    }
    TRY_STATUS(out.ensure_dir(fs::dirname(*path)));
    TRY_STATUS(out.entry(*path, h));
    if (h.type == AE_IFREG && !h.hardlink) {
      const void *buf;
      size_t n;
      la_int64_t off;
      int64_t written = 0;
      while ((rc = archive_read_data_block(a.get(), &buf, &n, &off)) == ARCHIVE_OK) {
        if (off != written)
          return make_error(Errc::failed, "{}: sparse archive entries are not supported", raw);
        TRY_STATUS(out.data(buf, n));
        written += static_cast<int64_t>(n);
      }
      if (rc != ARCHIVE_EOF || written != h.size)
        return make_error(Errc::failed, "reading {} from the archive: {}", raw,
                          archive_error_string(a.get()) ? archive_error_string(a.get()) : "truncated");
    }
  }
  if (rc != ARCHIVE_EOF)
    return make_error(Errc::failed, "reading archive for {}: {}", dest,
                      archive_error_string(a.get()) ? archive_error_string(a.get()) : "corrupt");
  return {};
}

} // namespace skiff::build
