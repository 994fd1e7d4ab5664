// Mount stubs out of a step's layer (mount_stubs.hpp).
#include "mount_stubs.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "skiff/storage/layer_driver.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::engine::detail {

namespace {

// `rel` under `root_fd` with no symlink on the way (a stub is never
// behind one, and the layer must not be left through one).
UniqueFd open_beneath(int root_fd, const std::string &rel, int flags) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  return UniqueFd(static_cast<int>(::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how)));
}

// Whether the image has `rel`: the topmost layer that names it decides (a
// whiteout, kernel or file form, says it was deleted).
bool in_image(const storage::Store &store, const std::vector<std::string> &layers, const std::string &rel) {
  std::string dir = fs::dirname("/" + rel), name = fs::basename(rel);
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    std::string diff = store.layer_dir(*it) + "/diff";
    struct stat st;
    if (::lstat((diff + "/" + rel).c_str(), &st) == 0)
      return !(S_ISCHR(st.st_mode) && st.st_rdev == 0);
    if (::lstat((diff + (dir == "/" ? "" : dir) + "/.wh." + name).c_str(), &st) == 0)
      return false;
  }
  return false;
}

bool empty_stub(int parent_fd, const std::string &name) {
  struct stat st;
  if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
    return false;
  if (S_ISREG(st.st_mode))
    return st.st_size == 0;
  if (!S_ISDIR(st.st_mode))
    return false;
  UniqueFd d(::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  return d && fs::dir_empty(fmt::format("/proc/self/fd/{}", d.get()));
}

} // namespace

void remove_mount_stubs(const storage::Store &store, const storage::ContainerConfig &c,
                        const std::vector<std::string> &layers, const std::vector<std::string> &dests) {
  bool copy = storage::layer_driver(store.driver_of(c)).copies_root;
  std::string top = copy ? store.root_copy_dir(c.id) : store.container_dir(c.id) + "/upper";
  UniqueFd root(::open(top.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return;
  // Each stub with the parents the image lacks, deepest first.
  std::vector<std::string> stubs;
  for (const auto &d : dests)
    for (std::string rel = fs::clean_path(d).substr(1); !rel.empty() && !in_image(store, layers, rel);
         rel = fs::dirname("/" + rel).substr(1))
      stubs.push_back(rel);
  for (const auto &rel : stubs) {
    std::string parent = fs::dirname("/" + rel).substr(1), name = fs::basename(rel);
    UniqueFd dir = open_beneath(root.get(), parent.empty() ? "." : parent, O_RDONLY | O_DIRECTORY);
    if (!dir || !empty_stub(dir.get(), name))
      continue;
    struct stat before;
    bool timed = ::fstat(dir.get(), &before) == 0;
    struct stat st;
    bool is_dir = ::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    if (::unlinkat(dir.get(), name.c_str(), is_dir ? AT_REMOVEDIR : 0) == 0 && timed) {
      struct timespec times[2] = {before.st_atim, before.st_mtim};
      (void)::futimens(dir.get(), times);
    }
  }
}

} // namespace skiff::engine::detail
