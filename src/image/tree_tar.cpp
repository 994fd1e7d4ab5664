// A directory tree as a tar stream (docker export): walked with *at()
// calls on directory fds and O_NOFOLLOW, so no link inside can lead out.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <vector>

#include "file_entries.hpp"
#include "skiff/image/tar_writer.hpp"
#include "skiff/util/fd.hpp"

namespace skiff::image {

namespace {

class TreeWalker {
public:
  TreeWalker(TarWriter &w, const std::vector<TarHeader> &beneath) : w_(w), files_(w) {
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
    std::vector<std::string> out;
    for (auto &[name, type] : TRY(detail::list_dir(dfd, prefix)))
      out.push_back(std::move(name));
    return out;
  }

  Status entry(int dfd, const std::string &name, const std::string &rel) {
    struct stat st;
    if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT) // removed meanwhile in a running container
        return {};
      return sys_error("inspecting /{}", rel);
    }
    TarHeader h = detail::header_of(st, rel);
    if (h.type != S_IFDIR)
      return files_.write(dfd, name, st, std::move(h));
    TRY_STATUS(w_.header(h));
    UniqueFd sub(::openat(dfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub)
      return sys_error("opening /{}", rel);
    return dir(sub.get(), rel + "/");
  }

  TarWriter &w_;
  detail::FileEntries files_;
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
