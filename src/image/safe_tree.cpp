#include "safe_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

namespace skiff::image::detail {

namespace {

// Keeps the fd count bounded on layers with many directories.
constexpr size_t kMaxCachedDirs = 256;

// Applies path components to `parts`; false when ".." pops past the root.
bool walk(std::vector<std::string_view> &parts, std::string_view path) {
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    auto part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".")
      continue;
    if (part == "..") {
      if (parts.empty())
        return false;
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  return true;
}

// openat2 in root without the fs:: wrapper, so that errno stays available
// to tell "missing" from a real failure.
int resolve_in_root(int root, const std::string &rel) {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    long fd = ::syscall(SYS_openat2, root, rel.c_str(), &how, sizeof how);
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
      return static_cast<int>(fd);
  }
}

} // namespace

std::optional<std::string> clean_entry_path(std::string_view name) {
  std::vector<std::string_view> parts;
  if (!walk(parts, name))
    return std::nullopt;
  std::string out;
  for (auto p : parts) {
    if (!out.empty())
      out += '/';
    out += p;
  }
  return out;
}

std::string parent_of(std::string_view rel) {
  auto p = rel.rfind('/');
  return p == std::string_view::npos ? std::string() : std::string(rel.substr(0, p));
}

std::string base_of(std::string_view rel) {
  auto p = rel.rfind('/');
  return std::string(p == std::string_view::npos ? rel : rel.substr(p + 1));
}

Status remove_at(int dirfd, const std::string &name, std::string_view what) {
  if (::unlinkat(dirfd, name.c_str(), 0) == 0 || errno == ENOENT)
    return {};
  if (errno != EISDIR)
    return sys_error("removing {}", what);
  int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sys_error("removing {}", what);
  DIR *d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return sys_error("removing {}", what);
  }
  std::vector<std::string> names;
  while (dirent *e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..")
      names.emplace_back(n);
  }
  Status st;
  for (auto &n : names) {
    st = remove_at(::dirfd(d), n, what);
    if (!st)
      break;
  }
  ::closedir(d);
  if (st && ::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT)
    return sys_error("removing {}", what);
  return st;
}

void DirCache::begin_entry() {
  if (stale_ || fds_.size() > kMaxCachedDirs) {
    fds_.clear();
    stale_ = false;
  }
}

Result<int> DirCache::get(const std::string &rel, bool create) {
  if (rel.empty())
    return root_;
  if (auto it = fds_.find(rel); it != fds_.end())
    return it->second.get();
  int pfd = TRY(get(parent_of(rel), create));
  if (pfd < 0)
    return -1;
  std::string name = base_of(rel);
  constexpr int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::openat(pfd, name.c_str(), flags);
  if (fd < 0 && errno == ENOENT && create) {
    if (::mkdirat(pfd, name.c_str(), 0755) < 0 && errno != EEXIST)
      return sys_error("creating /{}", rel);
    fd = ::openat(pfd, name.c_str(), flags);
  }
  if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
    fd = resolve_in_root(root_, rel);
  if (fd < 0) {
    if (errno == ENOENT && !create)
      return -1;
    return sys_error("opening /{}", rel);
  }
  fds_.emplace(rel, UniqueFd(fd));
  return fd;
}

} // namespace skiff::image::detail
