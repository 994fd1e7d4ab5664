#include "drivers.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "skiff/sys/child.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::storage::detail {

// Whether kernel overlayfs can be mounted here: tried once in a child in a
// mount namespace of its own (userxattr in a user namespace).
static bool overlay_works(const std::string &root) {
  std::string probe = fmt::format("{}/.probe-{}", root, ::getpid());
  for (const char *d : {"/l", "/u", "/w", "/m"})
    if (!fs::mkdir_p(probe + d, 0700))
      return false;
  // Built before the fork: the child only makes syscalls.
  std::string data = fmt::format("lowerdir={0}/l,upperdir={0}/u,workdir={0}/w{1}", probe,
                                 sys::in_user_namespace() ? ",userxattr" : "");
  std::string mount_point = probe + "/m";
  auto child = sys::spawn({.what = "probing overlayfs"}, [&](const sys::ChildChannel &) {
    if (::unshare(CLONE_NEWNS) < 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0 ||
        ::mount("overlay", mount_point.c_str(), "overlay", 0, data.c_str()) < 0)
      ::_exit(1);
  });
  bool ok = child && child->wait() == 0;
  (void)fs::remove_all(probe);
  return ok;
}

// The supervisor runs the program by name through execvp, so look where
// execvp would.
static bool on_path(const std::string &program) {
  const char *path = std::getenv("PATH");
  for (const auto &dir : str::split(path && *path ? path : "/usr/local/bin:/usr/bin:/bin", ':'))
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0)
      return true;
  return false;
}

bool fuse_overlayfs_usable() {
  if (!on_path("fuse-overlayfs"))
    return false;
  UniqueFd fuse(::open("/dev/fuse", O_RDWR | O_CLOEXEC));
  return static_cast<bool>(fuse);
}

DriverKind probe_driver(const std::string &root) {
  if (overlay_works(root))
    return DriverKind::overlay;
  if (fuse_overlayfs_usable())
    return DriverKind::fuse_overlayfs;
  return DriverKind::vfs;
}

} // namespace skiff::storage::detail
