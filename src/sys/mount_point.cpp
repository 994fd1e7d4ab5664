#include "skiff/sys/mount_point.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace skiff::sys {

Result<bool> is_mount_point(const std::string &path) {
  struct statx sx {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &sx) < 0)
    return sys_error("examining {}", path);
  if (!(sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
    return make_error(Errc::failed, "the kernel does not tell whether {} is a mount point", path);
  return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

} // namespace skiff::sys
