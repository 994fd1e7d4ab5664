#include "skiff/image/init_layer.hpp"

namespace skiff::image {

std::vector<TarHeader> docker_init_layer(int64_t mtime) {
  auto entry = [&](const char *name, mode_t type, const char *link = "") {
    TarHeader h;
    h.name = name;
    h.type = type;
    h.perm = type == S_IFLNK ? 0777 : 0755;
    h.mtime = mtime;
    h.link = link;
    return h;
  };
  return {
      entry(".dockerenv", S_IFREG),      entry("dev", S_IFDIR),        entry("dev/console", S_IFREG),
      entry("dev/pts", S_IFDIR),        entry("dev/shm", S_IFDIR),    entry("etc", S_IFDIR),
      entry("etc/hostname", S_IFREG),    entry("etc/hosts", S_IFREG),   entry("etc/mtab", S_IFLNK, "/proc/mounts"),
      entry("etc/resolv.conf", S_IFREG), entry("proc", S_IFDIR),       entry("sys", S_IFDIR),
  };
}

} // namespace skiff::image
