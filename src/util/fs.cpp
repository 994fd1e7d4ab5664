#include "skiff/util/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <random>

namespace skiff::fs {

Result<std::string> read_file(const std::string &path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    return sys_error("reading {}", path);
  std::string out;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return sys_error("reading {}", path);
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status write_all(int fd, std::string_view data, std::string_view what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return sys_error("writing {}", what);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Status write_file(const std::string &path, std::string_view data, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd)
    return sys_error("writing {}", path);
  return write_all(fd.get(), data, path);
}

Status fsync_dir(const std::string &dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) < 0)
    return sys_error("syncing {}", dir);
  return {};
}

Status write_file_atomic(const std::string &path, std::string_view data,
                         bool durable, mode_t mode) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  // The PID tells a later sweep whether the writer is gone (a crash).
  std::string tmp = fmt::format("{}.tmp-{}-{:x}", path, ::getpid(), rng());
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!fd)
      return sys_error("writing {}", tmp);
    if (auto s = write_all(fd.get(), data, tmp); !s) {
      ::unlink(tmp.c_str());
      return s;
    }
    if (durable && ::fsync(fd.get()) < 0) {
      auto e = sys_error("syncing {}", tmp);
      ::unlink(tmp.c_str());
      return e;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    auto e = sys_error("renaming {} to {}", tmp, path);
    ::unlink(tmp.c_str());
    return e;
  }
  if (durable)
    return fsync_dir(dirname(path));
  return {};
}

Status mkdir_p(const std::string &path, mode_t mode) {
  if (path.empty())
    return {};
  if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) {
    if (errno == EEXIST && !is_dir(path))
      return make_error(Errc::system, "{} exists and is not a directory", path);
    return {};
  }
  if (errno != ENOENT)
    return sys_error("creating {}", path);
  TRY_STATUS(mkdir_p(dirname(path), mode));
  if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST)
    return sys_error("creating {}", path);
  return {};
}

// Removes everything below the open directory `dfd`.
Status remove_contents(int dfd, const std::string &where) {
  int dup = ::fcntl(dfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0)
    return sys_error("removing {}", where);
  DIR *d = ::fdopendir(dup);
  if (!d) {
    ::close(dup);
    return sys_error("removing {}", where);
  }
  Status result;
  while (dirent *e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..")
      continue;
    if (::unlinkat(dfd, e->d_name, 0) == 0 || errno == ENOENT)
      continue;
    if (errno != EISDIR && errno != EPERM) {
      result = sys_error("removing {}/{}", where, n);
      break;
    }
    UniqueFd sub(::openat(dfd, e->d_name,
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) {
      result = sys_error("removing {}/{}", where, n);
      break;
    }
    auto sw = fmt::format("{}/{}", where, n);
    if (auto s = remove_contents(sub.get(), sw); !s) {
      result = s;
      break;
    }
    if (::unlinkat(dfd, e->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
      result = sys_error("removing {}", sw);
      break;
    }
  }
  ::closedir(d);
  return result;
}

Status remove_all(const std::string &path) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT)
    return {};
  if (errno != EISDIR && errno != EPERM)
    return sys_error("removing {}", path);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd)
    return errno == ENOENT ? Status{} : sys_error("removing {}", path);
  TRY_STATUS(remove_contents(fd.get(), path));
  if (::rmdir(path.c_str()) < 0 && errno != ENOENT)
    return sys_error("removing {}", path);
  return {};
}

bool exists(const std::string &path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::vector<std::string>> list_dir(const std::string &path) {
  std::vector<std::string> out;
  DIR *d = ::opendir(path.c_str());
  if (!d) {
    if (errno == ENOENT)
      return out;
    return sys_error("listing {}", path);
  }
  while (dirent *e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..")
      out.emplace_back(n);
  }
  ::closedir(d);
  return out;
}

Result<UniqueFd> open_in_root(int root_fd, std::string_view rel, int flags,
                              mode_t mode) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string r(rel.empty() ? "." : rel);
  for (;;) {
    long fd = ::syscall(SYS_openat2, root_fd, r.c_str(), &how, sizeof how);
    if (fd >= 0)
      return UniqueFd(static_cast<int>(fd));
    if (errno != EAGAIN && errno != EINTR)
      return sys_error("opening {}", r);
  }
}

static Result<UniqueFd> mkdir_in_root_at(int root_fd, std::string_view rel, mode_t mode, int links) {
  UniqueFd cur(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  if (!cur)
    return sys_error("opening root");
  std::string done;
  size_t i = 0;
  while (i < rel.size()) {
    size_t j = rel.find('/', i);
    if (j == std::string_view::npos)
      j = rel.size();
    std::string part(rel.substr(i, j - i));
    i = j + 1;
    if (part.empty() || part == ".")
      continue;
    std::string parent = done.empty() ? "/" : done;
    done += "/" + part;
    // Each step resolves from the root again, so a symlink planted in the
    // tree still cannot lead out of it.
    if (::mkdirat(cur.get(), part.c_str(), mode) < 0 && errno != EEXIST)
      return sys_error("creating {}", done);
    auto next = open_in_root(root_fd, done, O_RDONLY | O_DIRECTORY);
    if (!next) {
      // A symlink to a directory that does not exist yet: as Docker, make
      // its target, read as the root sees it.
      char target[PATH_MAX];
      ssize_t n = ::readlinkat(cur.get(), part.c_str(), target, sizeof target - 1);
      if (n <= 0)
        return std::move(next).error();
      if (links >= 40) {
        errno = ELOOP;
        return sys_error("creating {}", done);
      }
      std::string to(target, static_cast<size_t>(n));
      std::string rest = i < rel.size() ? std::string(rel.substr(i)) : "";
      return mkdir_in_root_at(root_fd, clean_path((to[0] == '/' ? to : parent + "/" + to) + "/" + rest),
                              mode, links + 1);
    }
    cur = std::move(*next);
  }
  return cur;
}

Result<UniqueFd> mkdir_in_root(int root_fd, std::string_view rel, mode_t mode) {
  return mkdir_in_root_at(root_fd, rel, mode, 0);
}

std::string dirname(std::string_view path) {
  auto p = path.find_last_of('/');
  if (p == std::string_view::npos)
    return ".";
  if (p == 0)
    return "/";
  return std::string(path.substr(0, p));
}

std::string basename(std::string_view path) {
  while (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);
  auto p = path.find_last_of('/');
  return std::string(p == std::string_view::npos ? path : path.substr(p + 1));
}

std::string clean_path(std::string_view path) {
  std::vector<std::string_view> parts;
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
      if (!parts.empty())
        parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

} // namespace skiff::fs
