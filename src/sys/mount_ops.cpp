// The real syscalls of the mount sequence: each a thin call, nothing more.
#include "skiff/sys/mount_ops.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>

#include "skiff/sys/fd_passing.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::sys {

namespace {

class HostMountOps final : public MountOps {
public:
  int mount(const char *source, const char *target, const char *type, unsigned long flags,
            const char *data) override {
    return ::mount(source, target, type, flags, data);
  }
  int umount2(const char *target, int flags) override { return ::umount2(target, flags); }
  int move_mount_tree(int tree_fd, const char *target) override {
    // The target is a /proc/self/fd/N link: followed.
    return ::move_mount(tree_fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_SYMLINKS);
  }
  int pivot_root(const char *new_root, const char *put_old) override {
    return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
  }
  int chdir(const char *path) override { return ::chdir(path); }
  int fchdir(int fd) override { return ::fchdir(fd); }
  int sethostname(std::string_view name) override { return ::sethostname(name.data(), name.size()); }
  int getrlimit(int resource, rlimit *rl) override {
    return ::getrlimit(static_cast<__rlimit_resource_t>(resource), rl);
  }
  int setrlimit(int resource, const rlimit &rl) override {
    return ::setrlimit(static_cast<__rlimit_resource_t>(resource), &rl);
  }

  UniqueFd open(const char *path, int flags) override { return UniqueFd(::open(path, flags)); }
  int stat(const char *path, struct stat *st) override { return ::stat(path, st); }
  Result<std::string> real_path(const std::string &path) override {
    char *r = ::realpath(path.c_str(), nullptr);
    if (!r)
      return sys_error("resolving {}", path);
    std::string out = r;
    std::free(r);
    return out;
  }
  Result<std::string> read_file(const std::string &path) override { return fs::read_file(path); }
  bool dir_empty(const std::string &path) override { return fs::dir_empty(path); }
  Status mkdir_p(const std::string &path) override { return fs::mkdir_p(path, 0755); }

  Result<UniqueFd> open_in_root(int root_fd, std::string_view rel, int flags) override {
    return fs::open_in_root(root_fd, rel, flags);
  }
  Result<UniqueFd> mkdir_in_root(int root_fd, std::string_view rel) override {
    return fs::mkdir_in_root(root_fd, rel);
  }
  UniqueFd openat(int dir_fd, const char *name, int flags, mode_t mode) override {
    return UniqueFd(::openat(dir_fd, name, flags, mode));
  }
  int mknodat(int dir_fd, const char *name, mode_t mode, dev_t dev) override {
    return ::mknodat(dir_fd, name, mode, dev);
  }
  int fchmodat(int dir_fd, const char *name, mode_t mode) override {
    return ::fchmodat(dir_fd, name, mode, 0);
  }
  int fchownat(int dir_fd, const char *name, uid_t uid, gid_t gid) override {
    return ::fchownat(dir_fd, name, uid, gid, AT_SYMLINK_NOFOLLOW);
  }
  int symlinkat(const char *target, int dir_fd, const char *name) override {
    return ::symlinkat(target, dir_fd, name);
  }
  int unlinkat(int dir_fd, const char *name, int flags) override {
    return ::unlinkat(dir_fd, name, flags);
  }
  int fstatvfs(int fd, struct statvfs *sv) override { return ::fstatvfs(fd, sv); }
  Status copy_tree(int src_dir_fd, int dst_dir_fd) override {
    return fs::copy_tree(src_dir_fd, dst_dir_fd);
  }
  int send_fd(int sock, int fd) override { return sys::send_fd(sock, fd); }
};

// A constant object: nothing to construct at run time, usable at once in
// a freshly cloned child.
constinit HostMountOps host;

} // namespace

MountOps &host_mount_ops() { return host; }

} // namespace skiff::sys
