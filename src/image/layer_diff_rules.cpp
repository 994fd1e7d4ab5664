// The pure rules of a container's diff: whiteout names, what the runtime
// made, what counts as changed.
#include <algorithm>
#include <array>

#include "skiff/image/layer_diff.hpp"

namespace skiff::image::diff_rules {

Facts facts_of(const struct stat &st) {
  Facts f;
  f.type = st.st_mode & S_IFMT;
  f.perm = st.st_mode & 07777;
  f.uid = st.st_uid;
  f.gid = st.st_gid;
  f.size = st.st_size;
  f.mtime_sec = st.st_mtim.tv_sec;
  f.mtime_nsec = st.st_mtim.tv_nsec;
  f.rdev = st.st_rdev;
  return f;
}

std::optional<std::string> whiteout_target(std::string_view name) {
  constexpr std::string_view prefix = ".wh.";
  if (name.substr(0, prefix.size()) != prefix || name.substr(0, 2 * prefix.size()) == ".wh..wh." ||
      name == kFuseOpaqueMarker)
    return std::nullopt;
  name.remove_prefix(prefix.size());
  if (name.empty())
    return std::nullopt;
  return std::string(name);
}

bool runtime_file(std::string_view rel, const Facts &f) {
  if (rel == "etc/mtab")
    return f.type == S_IFLNK && f.link == "/proc/mounts";
  if (f.type != S_IFREG || f.size != 0 || f.uid != 0 || f.gid != 0)
    return false;
  if (rel == ".dockerenv")
    return f.perm == 0755;
  if (rel == "run/.containerenv")
    return f.perm == 0644;
  static constexpr std::array<std::string_view, 4> mount_points = {"etc/hosts", "etc/hostname",
                                                                   "etc/resolv.conf", "dev/console"};
  return f.perm == 0755 && std::find(mount_points.begin(), mount_points.end(), rel) != mount_points.end();
}

bool runtime_dir(std::string_view rel, const Facts &f) {
  static constexpr std::array<std::string_view, 8> dirs = {"proc", "sys", "dev", "dev/pts",
                                                           "dev/shm", "dev/mqueue", "etc", "run"};
  return f.type == S_IFDIR && f.perm == 0755 && f.uid == 0 && f.gid == 0 &&
         std::find(dirs.begin(), dirs.end(), rel) != dirs.end();
}

bool dir_changed(const Facts &top, const Facts &image) {
  return top.type != image.type || top.perm != image.perm || top.uid != image.uid || top.gid != image.gid;
}

bool unchanged(const Facts &copy, const Facts &image) {
  if (dir_changed(copy, image))
    return false;
  if (copy.type == S_IFDIR)
    return true;
  return copy.size == image.size && copy.mtime_sec == image.mtime_sec &&
         copy.mtime_nsec == image.mtime_nsec && copy.link == image.link && copy.rdev == image.rdev;
}

} // namespace skiff::image::diff_rules
