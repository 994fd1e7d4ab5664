#include "skiff/build/workdir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

namespace {

// The path `fd` has below `root_fd`, both open in the same tree.
Result<std::string> path_below(int root_fd, int fd) {
  auto link = [](int f) -> Result<std::string> {
    char buf[4096];
    ssize_t n = ::readlink(fmt::format("/proc/self/fd/{}", f).c_str(), buf, sizeof buf);
    if (n < 0)
      return sys_error("reading where a directory is");
    return std::string(buf, static_cast<size_t>(n));
  };
  auto root = TRY(link(root_fd)), at = TRY(link(fd));
  if (root == "/")
    return at;
  if (at == root)
    return std::string("/");
  if (!at.starts_with(root + "/"))
    return make_error(Errc::failed, "{} is outside the stage's root", at);
  return at.substr(root.size());
}

} // namespace

Result<std::vector<std::string>> missing_dirs(int root_fd, const std::string &dir) {
  std::vector<std::string> parts;
  for (const auto &p : str::split(fs::clean_path(dir), '/'))
    if (!p.empty())
      parts.push_back(p);
  std::string existing = "/";
  size_t i = 0;
  for (; i < parts.size(); i++) {
    std::string next = fs::clean_path(existing + "/" + parts[i]);
    auto fd = fs::open_in_root(root_fd, next.substr(1), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!fd) {
      if (fd.error().sys_errno != ENOENT)
        return make_error(Errc::invalid, "mkdir {}: not a directory", dir);
      break;
    }
    existing = TRY(path_below(root_fd, fd->get()));
  }
  std::vector<std::string> out;
  for (; i < parts.size(); i++) {
    existing = fs::clean_path(existing + "/" + parts[i]);
    out.push_back(existing);
  }
  return out;
}

Status write_workdir_layer(int root_fd, const std::vector<std::string> &missing, uid_t uid, gid_t gid,
                           int64_t mtime, image::TarWriter &w) {
  if (missing.empty())
    return {};
  // The existing directories above: changed, as a diff shows them.
  std::string parent = fs::dirname(missing.front());
  std::vector<std::string> above;
  for (std::string p = parent; p != "/" && !p.empty(); p = fs::dirname(p))
    above.insert(above.begin(), p);
  for (const auto &p : above) {
    struct stat st;
    if (::fstatat(root_fd, p.substr(1).c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
      return sys_error("reading {}", p);
    image::TarHeader h;
    h.name = p.substr(1) + "/";
    h.type = S_IFDIR;
    h.perm = st.st_mode & 07777;
    h.uid = st.st_uid;
    h.gid = st.st_gid;
    h.mtime = st.st_mtime;
    TRY_STATUS(w.header(h));
  }
  for (const auto &p : missing) {
    image::TarHeader h;
    h.name = p.substr(1) + "/";
    h.type = S_IFDIR;
    h.perm = 0755;
    h.uid = uid;
    h.gid = gid;
    h.mtime = mtime;
    TRY_STATUS(w.header(h));
  }
  return {};
}

} // namespace skiff::build
