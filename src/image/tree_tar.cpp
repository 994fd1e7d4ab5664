// A directory tree as a tar stream (docker export): walked with *at()
// calls on directory fds and O_NOFOLLOW, so no link inside can lead out.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <vector>

#include "skiff/image/tar_writer.hpp"
#include "skiff/util/fd.hpp"

namespace skiff::image {

namespace {

class TreeWalker {
public:
  TreeWalker(TarWriter &w, const std::vector<TarHeader> &beneath) : w_(w), buf_(256 * 1024) {
    for (const auto &h : beneath) {
      auto slash = h.name.rfind('/');
      std::string parent = slash == std::string::npos ? "" : h.name.substr(0, slash + 1);
      beneath_[parent][h.name.substr(parent.size())] = &h;
    }
  }

  // Writes everything below the open directory dfd (-1: none, only the
  // entries beneath), merged with the entries beneath it, the tree's
  // winning; prefix is its name in the archive ("" or "a/b/").
  Status dir(int dfd, const std::string &prefix) {
    std::vector<std::string> real;
    if (dfd >= 0)
      real = TRY(names(dfd, prefix));
    auto under = beneath_.find(prefix);
    std::vector<std::string> all = real;
    if (under != beneath_.end())
      for (const auto &[name, h] : under->second)
        if (!std::binary_search(real.begin(), real.end(), name))
          all.push_back(name);
    std::sort(all.begin(), all.end());
    for (const auto &name : all) {
      if (std::binary_search(real.begin(), real.end(), name)) {
        TRY_STATUS(entry(dfd, name, prefix + name));
        continue;
      }
      const TarHeader &h = *under->second.at(name);
      TRY_STATUS(w_.header(h));
      if (h.type == S_IFDIR)
        TRY_STATUS(dir(-1, h.name + "/"));
    }
    return {};
  }

private:
  Result<std::vector<std::string>> names(int dfd, const std::string &prefix) {
    int fd = ::openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? nullptr : ::fdopendir(fd);
    if (!d) {
      if (fd >= 0)
        ::close(fd);
      return sys_error("listing /{}", prefix);
    }
    std::vector<std::string> out;
    for (;;) {
      errno = 0;
      dirent *e = ::readdir(d);
      if (!e)
        break;
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
        out.emplace_back(e->d_name);
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

  Status entry(int dfd, const std::string &name, const std::string &rel) {
    struct stat st;
    if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT) // removed meanwhile in a running container
        return {};
      return sys_error("inspecting /{}", rel);
    }
    TarHeader h;
    h.name = rel;
    h.type = st.st_mode & S_IFMT;
    h.perm = st.st_mode & 07777;
    h.uid = st.st_uid;
    h.gid = st.st_gid;
    h.mtime = st.st_mtim.tv_sec;
    switch (h.type) {
    case S_IFDIR: {
      TRY_STATUS(w_.header(h));
      UniqueFd sub(::openat(dfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub)
        return sys_error("opening /{}", rel);
      return dir(sub.get(), rel + "/");
    }
    case S_IFREG:
      return regular(dfd, name, st, h);
    case S_IFLNK: {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(dfd, name.c_str(), target.data(), target.size());
      if (n < 0)
        return sys_error("reading link /{}", rel);
      target.resize(static_cast<size_t>(n));
      h.link = target;
      return w_.header(h);
    }
    case S_IFCHR:
    case S_IFBLK:
      h.rdev_major = major(st.st_rdev);
      h.rdev_minor = minor(st.st_rdev);
      return w_.header(h);
    case S_IFIFO:
      return w_.header(h);
    default: // sockets belong to a running process, not to the file system
      return {};
    }
  }

  Status regular(int dfd, const std::string &name, const struct stat &st, TarHeader &h) {
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

  TarWriter &w_;
  std::vector<char> buf_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
  // parent prefix -> name -> entry
  std::map<std::string, std::map<std::string, const TarHeader *>> beneath_;
};

} // namespace

Status write_tree_tar(int root_fd, TarWriter &w, const std::vector<TarHeader> &beneath) {
  TreeWalker walker(w, beneath);
  TRY_STATUS(walker.dir(root_fd, ""));
  return w.close();
}

} // namespace skiff::image
