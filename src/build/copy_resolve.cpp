// Symlink resolution inside a root, one component at a time.
#include "copy_resolve.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include <climits>
#include <vector>

#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

namespace {

std::string rel(const std::string &abs) { return abs == "/" ? "." : abs.substr(1); }

// Linux's own limit on symlinks followed in one lookup.
constexpr int kMaxLinks = 40;

} // namespace

Result<std::optional<struct stat>> lstat_in_root(int root_fd, const std::string &path) {
  struct stat st;
  if (::fstatat(root_fd, rel(path).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
    return std::optional<struct stat>(st);
  if (errno == ENOENT || errno == ENOTDIR)
    return std::optional<struct stat>();
  return sys_error("stat {}", path);
}

Result<std::vector<std::string>> sorted_names(int dir_fd, const std::string &where) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return sys_error("open {}", where);
  DIR *d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return sys_error("open {}", where);
  }
  std::vector<std::string> out;
  errno = 0;
  while (dirent *e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..")
      out.emplace_back(n);
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) {
    errno = err;
    return sys_error("read {}", where);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> resolve_in_root(int root_fd, const std::string &path) {
  // Components still to walk, in reverse so the next one is at the back.
  std::vector<std::string> left;
  for (auto &c : str::split(fs::clean_path(path), '/'))
    if (!c.empty())
      left.insert(left.begin(), c);
  std::string done = "/";
  int links = 0;
  bool missing = false;
  while (!left.empty()) {
    std::string c = std::move(left.back());
    left.pop_back();
    if (c == "..") {
      done = fs::dirname(done);
      continue;
    }
    std::string next = done == "/" ? "/" + c : done + "/" + c;
    if (missing) {
      done = next;
      continue;
    }
    auto st = TRY(lstat_in_root(root_fd, next));
    if (!st || !S_ISLNK(st->st_mode)) {
      missing = !st;
      done = next;
      continue;
    }
    if (++links > kMaxLinks)
      return make_error(Errc::failed, "resolving {}: too many levels of symbolic links", path);
    std::string target(PATH_MAX, '\0');
    ssize_t n = ::readlinkat(root_fd, rel(next).c_str(), target.data(), target.size());
    if (n < 0)
      return sys_error("readlink {}", next);
    target.resize(static_cast<size_t>(n));
    if (!target.empty() && target[0] == '/')
      done.assign(1, '/');
    auto parts = str::split(target, '/');
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
      if (!it->empty() && *it != ".")
        left.push_back(*it);
  }
  return done;
}

} // namespace skiff::build
