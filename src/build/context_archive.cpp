// Extraction of a build context archive (context_archive.hpp) with
// libarchive; paths resolve in the destination as in a root.
#include "context_archive.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include <archive.h>
#include <archive_entry.h>

#include "copy_archive.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive *)>;

// What libarchive reads: the bytes already taken from the stream, then the rest.
struct Input {
  std::string_view head;
  int fd;
  bool head_given = false;
  char buf[64 * 1024];
};

la_ssize_t read_input(archive *a, void *data, const void **out) {
  auto *in = static_cast<Input *>(data);
  if (!in->head_given) {
    in->head_given = true;
    if (!in->head.empty()) {
      *out = in->head.data();
      return static_cast<la_ssize_t>(in->head.size());
    }
  }
  for (;;) {
    ssize_t n = ::read(in->fd, in->buf, sizeof in->buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      archive_set_error(a, errno, "reading the build context");
      return -1;
    }
    *out = in->buf;
    return n;
  }
}

// "./a//b/" -> "a/b", "/x" -> "x"; nullopt when ".." climbs above the root.
std::optional<std::string> clean_name(std::string_view name) {
  std::vector<std::string> parts;
  for (const auto &c : str::split(name, '/')) {
    if (c == "..") {
      if (parts.empty())
        return std::nullopt;
      parts.pop_back();
    } else if (!c.empty() && c != ".") {
      parts.push_back(c);
    }
  }
  std::string out;
  for (const auto &p : parts)
    out += (out.empty() ? "" : "/") + p;
  return out;
}

Error outside(std::string_view name) {
  return make_error(Errc::invalid, "invalid build context: {:?} is outside of the context", std::string(name));
}

// Makes room for a new entry `base` in `pfd`: whatever is there goes,
// unless both are directories (a tar may name a directory twice).
Status clear_for(int pfd, const std::string &base, bool dir, const std::string &rel) {
  struct stat st;
  if (::fstatat(pfd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? Status{} : sys_error("extracting {}", rel);
  if (dir && S_ISDIR(st.st_mode))
    return {};
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(pfd, base.c_str(), 0) < 0)
      return sys_error("extracting {}", rel);
    return {};
  }
  UniqueFd sub(::openat(pfd, base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub)
    return sys_error("extracting {}", rel);
  TRY_STATUS(fs::remove_contents(sub.get(), rel));
  if (::unlinkat(pfd, base.c_str(), AT_REMOVEDIR) < 0)
    return sys_error("extracting {}", rel);
  return {};
}

Status write_data(archive *a, int fd, const std::string &rel) {
  const void *buf;
  size_t n;
  la_int64_t off;
  int rc;
  while ((rc = archive_read_data_block(a, &buf, &n, &off)) == ARCHIVE_OK) {
    const char *p = static_cast<const char *>(buf);
    while (n > 0) {
      ssize_t w = ::pwrite(fd, p, n, off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return sys_error("extracting {}", rel);
      p += w;
      n -= static_cast<size_t>(w);
      off += w;
    }
  }
  if (rc != ARCHIVE_EOF)
    return make_error(Errc::invalid, "invalid build context: reading {}: {}", rel,
                      archive_error_string(a) ? archive_error_string(a) : "truncated");
  return {};
}

struct DirTime {
  std::string rel;
  timespec mtime;
};

} // namespace

bool is_context_archive(std::string_view head) {
  static const std::string_view magics[] = {"\x1f\x8b", "\x28\xb5\x2f\xfd", "BZh", "\xfd" "7zXZ"};
  for (auto m : magics)
    if (head.starts_with(m))
      return true;
  return head.size() > 262 && head.substr(257, 5) == "ustar";
}

Status extract_context(std::string_view head, int fd, int dir_fd) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  support_archive_formats(a.get());
  Input in{head, fd};
  if (archive_read_open(a.get(), &in, nullptr, read_input, nullptr) != ARCHIVE_OK)
    return make_error(Errc::invalid, "invalid build context: {}",
                      archive_error_string(a.get()) ? archive_error_string(a.get()) : "not a tar archive");
  std::vector<DirTime> dirs;
  archive_entry *e;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    std::string raw = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    auto rel = clean_name(raw);
    if (!rel)
      return outside(raw);
    mode_t type = archive_entry_filetype(e);
    if (rel->empty())
      continue;  // the root itself stays as made
    if (type != AE_IFDIR && type != AE_IFREG && type != AE_IFLNK && !archive_entry_hardlink(e))
      continue;  // devices, fifos, sockets: nothing a build context needs
    std::string base = fs::basename(*rel);
    auto parent = TRY(fs::mkdir_in_root(dir_fd, fs::dirname(*rel) == "." ? "" : fs::dirname(*rel)));
    int pfd = parent.get();
    mode_t perm = archive_entry_perm(e) & 07777;
    timespec times[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
                         {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
    TRY_STATUS(clear_for(pfd, base, type == AE_IFDIR && !archive_entry_hardlink(e), *rel));
    if (const char *hl = archive_entry_hardlink(e)) {
      auto target = clean_name(hl);
      if (!target || target->empty())
        return outside(hl);
      auto tparent = fs::open_in_root(dir_fd, fs::dirname(*target) == "." ? "" : fs::dirname(*target),
                                      O_PATH | O_DIRECTORY);
      if (!tparent || ::linkat(tparent->get(), fs::basename(*target).c_str(), pfd, base.c_str(), 0) < 0)
        return make_error(Errc::invalid, "invalid build context: hardlink {:?} -> {:?}: no such file", raw,
                          std::string(hl));
    } else if (type == AE_IFDIR) {
      if (::mkdirat(pfd, base.c_str(), 0700) < 0 && errno != EEXIST)
        return sys_error("extracting {}", *rel);
      if (::fchmodat(pfd, base.c_str(), perm, 0) < 0)
        return sys_error("extracting {}", *rel);
      dirs.push_back({*rel, times[1]});
    } else if (type == AE_IFLNK) {
      const char *target = archive_entry_symlink(e);
      if (::symlinkat(target ? target : "", pfd, base.c_str()) < 0)
        return sys_error("extracting {}", *rel);
      (void)::utimensat(pfd, base.c_str(), times, AT_SYMLINK_NOFOLLOW);
    } else {
      UniqueFd out(::openat(pfd, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!out)
        return sys_error("extracting {}", *rel);
      TRY_STATUS(write_data(a.get(), out.get(), *rel));
      // The size set too: a sparse file may end in a hole.
      if (::ftruncate(out.get(), archive_entry_size(e)) < 0 || ::fchmod(out.get(), perm) < 0 ||
          ::futimens(out.get(), times) < 0)
        return sys_error("extracting {}", *rel);
    }
  }
  if (rc != ARCHIVE_EOF)
    return make_error(Errc::invalid, "invalid build context: {}",
                      archive_error_string(a.get()) ? archive_error_string(a.get()) : "corrupt archive");
  // Directories' times last: their entries changed them.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it)
    if (auto d = fs::open_in_root(dir_fd, it->rel, O_RDONLY | O_DIRECTORY)) {
      timespec times[2] = {it->mtime, it->mtime};
      (void)::futimens(d->get(), times);
    }
  return {};
}

Status open_context_archive(const ContextArchive &a, const engine::ScratchDir &scratch, BuildRequest &r) {
  std::string dir = scratch.path() + "/context";
  TRY_STATUS(fs::mkdir_p(dir, 0755));
  UniqueFd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return sys_error("opening {}", dir);
  TRY_STATUS(extract_context(a.head, a.fd, root.get()));
  r.context_dir = dir;
  // -f names a file in the archive; Docker's name, else podman's.
  std::string file = a.dockerfile_path;
  if (file.empty())
    file = fs::open_in_root(root.get(), "Dockerfile", O_RDONLY) || !fs::open_in_root(root.get(), "Containerfile", O_RDONLY)
               ? "Dockerfile" : "Containerfile";
  auto read = [&](const std::string &path) -> std::optional<std::string> {
    auto fd = fs::open_in_root(root.get(), path, O_RDONLY | O_CLOEXEC);
    if (!fd)
      return std::nullopt;
    std::string text;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd->get(), buf, sizeof buf)) > 0)
      text.append(buf, static_cast<size_t>(n));
    if (n < 0)
      return std::nullopt;
    return text;
  };
  auto text = read(file);
  if (!text)
    return make_error(Errc::not_found, "failed to solve: failed to read dockerfile: open {}: no such file or directory",
                      fs::basename(file));
  r.dockerfile = std::move(*text);
  r.dockerfile_name = fs::basename(file);
  // <Dockerfile>.dockerignore beside it wins over the context's.
  if (auto own = read(file + ".dockerignore"))
    r.ignore_file = std::move(*own);
  else if (auto ctx = read(".dockerignore"))
    r.ignore_file = std::move(*ctx);
  return {};
}

} // namespace skiff::build
