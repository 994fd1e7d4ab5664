// Whole-tree operations: copying a directory's contents and measuring it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <vector>

#include "skiff/util/fs.hpp"

namespace skiff::fs {

namespace {

Status copy_file(int src_dir, int dst_dir, const char *name, const struct stat &st) {
  UniqueFd in(::openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in)
    return sys_error("copying {}", name);
  UniqueFd out(::openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777));
  if (!out)
    return sys_error("copying {}", name);
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(in.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("copying {}", name);
    if (n == 0)
      break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(out.get(), buf + off, static_cast<size_t>(n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return sys_error("copying {}", name);
      off += w;
    }
  }
  return {};
}

void copy_metadata(int dst_dir, const char *name, const struct stat &st) {
  (void)::fchownat(dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
  if (!S_ISLNK(st.st_mode))
    (void)::fchmodat(dst_dir, name, st.st_mode & 07777, 0);
  timespec times[2] = {st.st_atim, st.st_mtim};
  (void)::utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW);
}

} // namespace

static Status copy_entries(int src_dir_fd, int dst_dir_fd, bool layered);

Status copy_tree(int src_dir_fd, int dst_dir_fd) { return copy_entries(src_dir_fd, dst_dir_fd, false); }

Status apply_layer_copy(int src_dir_fd, int dst_dir_fd) {
  return copy_entries(src_dir_fd, dst_dir_fd, true);
}

static bool opaque(int dir_fd) {
  char v[2] = {};
  for (const char *name : {"trusted.overlay.opaque", "user.overlay.opaque"})
    if (::fgetxattr(dir_fd, name, v, sizeof v) == 1 && v[0] == 'y')
      return true;
  return false;
}

// Removes `name` in dir_fd whatever it is (a missing one is fine).
static Status remove_at(int dir_fd, const std::string &name) {
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT)
    return {};
  UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub)
    return sys_error("removing {}", name);
  TRY_STATUS(remove_contents(sub.get(), name));
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) < 0)
    return sys_error("removing {}", name);
  return {};
}

static Status copy_entries(int src_dir_fd, int dst_dir_fd, bool layered) {
  int dup = ::fcntl(src_dir_fd, F_DUPFD_CLOEXEC, 0);
  DIR *d = dup >= 0 ? ::fdopendir(dup) : nullptr;
  if (!d) {
    if (dup >= 0)
      ::close(dup);
    return sys_error("reading a directory to copy");
  }
  std::vector<std::string> names;
  while (dirent *e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..")
      names.emplace_back(n);
  }
  ::closedir(d);
  for (const auto &n : names) {
    struct stat st;
    if (::fstatat(src_dir_fd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
      return sys_error("copying {}", n);
    if (layered) {
      if (S_ISCHR(st.st_mode) && st.st_rdev == 0) {
        TRY_STATUS(remove_at(dst_dir_fd, n));  // a whiteout
        continue;
      }
      struct stat old;
      if (::fstatat(dst_dir_fd, n.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0 &&
          (!S_ISDIR(st.st_mode) || !S_ISDIR(old.st_mode)))
        TRY_STATUS(remove_at(dst_dir_fd, n));
    }
    if (S_ISDIR(st.st_mode)) {
      if (::mkdirat(dst_dir_fd, n.c_str(), 0700) < 0 && errno != EEXIST)
        return sys_error("copying {}", n);
      UniqueFd s(::openat(src_dir_fd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      UniqueFd t(::openat(dst_dir_fd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!s || !t)
        return sys_error("copying {}", n);
      if (layered && opaque(s.get()))
        TRY_STATUS(remove_contents(t.get(), n));
      TRY_STATUS(copy_entries(s.get(), t.get(), layered));
    } else if (S_ISREG(st.st_mode)) {
      TRY_STATUS(copy_file(src_dir_fd, dst_dir_fd, n.c_str(), st));
    } else if (S_ISLNK(st.st_mode)) {
      std::vector<char> target(static_cast<size_t>(st.st_size) + 1);
      ssize_t len = ::readlinkat(src_dir_fd, n.c_str(), target.data(), target.size());
      if (len < 0 || ::symlinkat(std::string(target.data(), static_cast<size_t>(len)).c_str(), dst_dir_fd, n.c_str()) < 0)
        return sys_error("copying {}", n);
    } else {
      continue;
    }
    copy_metadata(dst_dir_fd, n.c_str(), st);
  }
  return {};
}

static uint64_t size_below(int dir_fd) {
  int dup = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  DIR *d = dup >= 0 ? ::fdopendir(dup) : nullptr;
  if (!d)
    return 0;
  uint64_t total = 0;
  while (dirent *e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..")
      continue;
    struct stat st;
    if (::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
      continue;
    if (S_ISREG(st.st_mode))
      total += static_cast<uint64_t>(st.st_size);
    else if (S_ISDIR(st.st_mode)) {
      UniqueFd sub(::openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub)
        total += size_below(sub.get());
    }
  }
  ::closedir(d);
  return total;
}

uint64_t tree_size(const std::string &path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  return fd ? size_below(fd.get()) : 0;
}

bool dir_empty(const std::string &path) {
  auto names = list_dir(path);
  return names && names->empty();
}

} // namespace skiff::fs
