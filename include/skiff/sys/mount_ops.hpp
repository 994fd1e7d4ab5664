// The syscalls of a container's mount sequence (its root, the mounts under
// it, pivot_root, masked paths, hostname, rlimits), behind an interface so
// that the order the container child makes them in is unit-tested without
// privileges: tests/unit/fake_mount_ops.hpp records them instead.
//
// Calls keep the syscalls' contract (-1 or an invalid fd with errno set),
// so callers word their errors as before. Paths inside the container's root
// are reached through fds (open_in_root, mkdir_in_root, openat) and acted
// on as /proc/self/fd/N or relative to a directory fd: every call that
// takes an fd is here too, so a fake can hand out fds of its own.
#pragma once

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::sys {

class MountOps {
public:
  virtual ~MountOps() = default;

  virtual int mount(const char *source, const char *target, const char *type, unsigned long flags,
                    const char *data) = 0;
  virtual int umount2(const char *target, int flags) = 0;
  // move_mount(2) of a detached tree (an fd from open_tree) onto `target`.
  virtual int move_mount_tree(int tree_fd, const char *target) = 0;
  virtual int pivot_root(const char *new_root, const char *put_old) = 0;
  virtual int chdir(const char *path) = 0;
  virtual int fchdir(int fd) = 0;
  virtual int sethostname(std::string_view name) = 0;
  virtual int getrlimit(int resource, rlimit *rl) = 0;
  virtual int setrlimit(int resource, const rlimit &rl) = 0;

  // Host paths before pivot_root, the container's after.
  virtual UniqueFd open(const char *path, int flags) = 0;
  virtual int stat(const char *path, struct stat *st) = 0;
  virtual Result<std::string> real_path(const std::string &path) = 0;
  virtual Result<std::string> read_file(const std::string &path) = 0;
  virtual bool dir_empty(const std::string &path) = 0;
  virtual Status mkdir_p(const std::string &path) = 0;  // mode 0755, as Docker makes a -v source

  // Inside the root (fs::open_in_root, fs::mkdir_in_root) and relative to
  // directories opened there.
  virtual Result<UniqueFd> open_in_root(int root_fd, std::string_view rel, int flags) = 0;
  virtual Result<UniqueFd> mkdir_in_root(int root_fd, std::string_view rel) = 0;
  virtual UniqueFd openat(int dir_fd, const char *name, int flags, mode_t mode) = 0;
  virtual int mknodat(int dir_fd, const char *name, mode_t mode, dev_t dev) = 0;
  virtual int fchmodat(int dir_fd, const char *name, mode_t mode) = 0;
  virtual int fchownat(int dir_fd, const char *name, uid_t uid, gid_t gid) = 0;
  virtual int symlinkat(const char *target, int dir_fd, const char *name) = 0;
  virtual int unlinkat(int dir_fd, const char *name, int flags) = 0;
  virtual int fstatvfs(int fd, struct statvfs *sv) = 0;
  // fs::copy_tree: a volume filled from the image.
  virtual Status copy_tree(int src_dir_fd, int dst_dir_fd) = 0;
  // sys::send_fd: 0 or an errno value.
  virtual int send_fd(int sock, int fd) = 0;
};

// The real syscalls.
MountOps &host_mount_ops();

} // namespace skiff::sys
