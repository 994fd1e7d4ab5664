#include "file_entries.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "skiff/util/fd.hpp"

namespace skiff::image::detail {

Result<std::vector<std::pair<std::string, unsigned char>>> list_dir(int dfd, const std::string &prefix) {
  int fd = ::openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? nullptr : ::fdopendir(fd);
  if (!d) {
    if (fd >= 0)
      ::close(fd);
    return sys_error("listing /{}", prefix);
  }
  std::vector<std::pair<std::string, unsigned char>> out;
  for (;;) {
    errno = 0;
    dirent *e = ::readdir(d);
    if (!e)
      break;
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
      out.emplace_back(e->d_name, e->d_type);
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) {
    errno = err;
    return sys_error("listing /{}", prefix);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> read_link(int dfd, const std::string &name, const struct stat &st, const std::string &rel) {
  std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
  ssize_t n = ::readlinkat(dfd, name.c_str(), target.data(), target.size());
  if (n < 0)
    return sys_error("reading link /{}", rel);
  target.resize(static_cast<size_t>(n));
  return target;
}

TarHeader header_of(const struct stat &st, std::string name) {
  TarHeader h;
  h.name = std::move(name);
  h.type = st.st_mode & S_IFMT;
  h.perm = st.st_mode & 07777;
  h.uid = st.st_uid;
  h.gid = st.st_gid;
  h.mtime = st.st_mtim.tv_sec;
  return h;
}

Status FileEntries::write(int dfd, const std::string &name, const struct stat &st, TarHeader h) {
  switch (h.type) {
  case S_IFREG:
    return regular(dfd, name, st, h);
  case S_IFLNK:
    h.link = TRY(read_link(dfd, name, st, h.name));
    return w_.header(h);
  case S_IFCHR:
  case S_IFBLK:
    h.rdev_major = major(st.st_rdev);
    h.rdev_minor = minor(st.st_rdev);
    return w_.header(h);
  case S_IFIFO:
    return w_.header(h);
  default:  // sockets belong to a running process, not to the file system
    return {};
  }
}

Status FileEntries::regular(int dfd, const std::string &name, const struct stat &st, TarHeader &h) {
  if (st.st_nlink > 1) {
    auto [it, fresh] = links_.try_emplace({st.st_dev, st.st_ino}, h.name);
    if (!fresh) {
      h.hardlink = true;
      h.link = it->second;
      return w_.header(h);
    }
  }
  UniqueFd fd(::openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd)
    return sys_error("opening /{}", h.name);
  char cap[256];
  ssize_t caplen = ::fgetxattr(fd.get(), "security.capability", cap, sizeof cap);
  if (caplen > 0)
    h.xattrs.emplace_back("security.capability", std::string(cap, static_cast<size_t>(caplen)));
  h.size = st.st_size;
  TRY_STATUS(w_.header(h));
  // A running container may change the file meanwhile: exactly the
  // size in the header is written, zero-filled if it shrank.
  auto left = static_cast<uint64_t>(st.st_size);
  while (left > 0) {
    ssize_t n = ::read(fd.get(), buf_.data(), static_cast<size_t>(std::min<uint64_t>(left, buf_.size())));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("reading /{}", h.name);
    if (n == 0) {
      std::fill(buf_.begin(), buf_.end(), '\0');
      n = static_cast<ssize_t>(std::min<uint64_t>(left, buf_.size()));
    }
    TRY_STATUS(w_.data(buf_.data(), static_cast<size_t>(n)));
    left -= static_cast<uint64_t>(n);
  }
  return {};
}

} // namespace skiff::image::detail
