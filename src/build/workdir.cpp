#include "skiff/build/workdir.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "copy_resolve.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

Result<std::vector<std::string>> missing_dirs(int root_fd, const std::string &dir) {
  auto resolved = TRY(resolve_in_root(root_fd, fs::clean_path(dir)));
  std::vector<std::string> out;
  std::string at;
  for (const auto &part : str::split(resolved, '/')) {
    if (part.empty())
      continue;
    at += "/" + part;
    if (!out.empty()) {
      out.push_back(at);
      continue;
    }
    auto st = TRY(lstat_in_root(root_fd, at));
    if (!st)
      out.push_back(at);
    else if (!S_ISDIR(st->st_mode))
      return make_error(Errc::invalid, "mkdir {}: not a directory", dir);
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
