// A recording sys::MountOps for unit tests: every call of the mount
// sequence is recorded in order and succeeds, unless a failure is scripted.
// Nothing reaches the file system or the mount table.
//
// The fds it hands out are real (each a fresh /dev/null, so closing them
// is harmless), each remembered with the path it stands for: a mount onto
// /proc/self/fd/N or a call relative to a directory fd is recorded with
// that path, inside the root for fds opened there. A number the kernel
// reuses after a close is simply remembered anew.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "skiff/sys/mount_ops.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::test {

struct MountCall {
  std::string op;      // the MountOps method: "mount", "umount2", "pivot_root", "openat", ...
  std::string target;  // the path acted on (inside the root for fds opened there)
  std::string source;  // mount source, symlink target, copied directory
  std::string type;    // file system type
  unsigned long flags = 0;  // mount or open flags, mode, rlimit resource
  std::string data;    // mount data; "soft:hard" of rlimits; "major:minor" of nodes
};

class FakeMountOps : public sys::MountOps {
public:
  std::vector<MountCall> calls;

  // What the host and the root hold, for stat, fstatvfs, read_file and
  // dir_empty. A path not named here is an existing, empty directory on a
  // mount without locked flags.
  std::set<std::string> files;       // stat as regular files (device nodes, the container's files)
  std::set<std::string> missing;     // stat and open fail with ENOENT
  std::set<std::string> not_empty;   // volumes that need no filling
  std::map<std::string, unsigned long> statvfs_flags;  // ST_NOSUID, ST_RDONLY, ...
  std::map<std::string, std::string> contents;          // read_file
  rlimit nofile{1024, 524288};

  // The first call of `op` on `target` fails with `err`.
  void fail(std::string op, std::string target, int err) {
    failures_.push_back({std::move(op), std::move(target), err});
  }

  // Calls of one kind, in order.
  std::vector<MountCall> of(const std::string &op) const {
    std::vector<MountCall> out;
    for (const auto &c : calls)
      if (c.op == op)
        out.push_back(c);
    return out;
  }

  int mount(const char *source, const char *target, const char *type, unsigned long flags,
            const char *data) override {
    return record({"mount", path_of(target), source ? source : "", type ? type : "", flags,
                   data ? data : ""});
  }
  int umount2(const char *target, int flags) override {
    return record({"umount2", path_of(target), "", "", static_cast<unsigned long>(flags), ""});
  }
  int move_mount_tree(int tree_fd, const char *target) override {
    return record({"move_mount", std::to_string(tree_fd), path_of(target), "", 0, ""});
  }
  int pivot_root(const char *new_root, const char *put_old) override {
    return record({"pivot_root", new_root, put_old, "", 0, ""});
  }
  int chdir(const char *path) override { return record({"chdir", path, "", "", 0, ""}); }
  int fchdir(int fd) override { return record({"fchdir", fd_paths_[fd], "", "", 0, ""}); }
  int sethostname(std::string_view name) override {
    return record({"sethostname", std::string(name), "", "", 0, ""});
  }
  int getrlimit(int resource, rlimit *rl) override {
    *rl = resource == RLIMIT_NOFILE ? nofile : rlimit{RLIM_INFINITY, RLIM_INFINITY};
    return 0;
  }
  int setrlimit(int resource, const rlimit &rl) override {
    return record({"setrlimit", "", "", "", static_cast<unsigned long>(resource),
                   fmt::format("{}:{}", rl.rlim_cur, rl.rlim_max)});
  }

  UniqueFd open(const char *path, int flags) override {
    return fd_for({"open", path, "", "", static_cast<unsigned long>(flags), ""});
  }
  int stat(const char *path, struct stat *st) override {
    if (record({"stat", path, "", "", 0, ""}) < 0)
      return -1;
    *st = {};
    st->st_mode = files.count(path) ? S_IFREG | 0644 : S_IFDIR | 0755;
    return 0;
  }
  Result<std::string> real_path(const std::string &path) override {
    if (record({"real_path", path, "", "", 0, ""}) < 0)
      return sys_error("resolving {}", path);
    return path;
  }
  Result<std::string> read_file(const std::string &path) override {
    if (record({"read_file", path, "", "", 0, ""}) < 0)
      return sys_error("opening {}", path);
    auto c = contents.find(path);
    if (c == contents.end()) {
      errno = ENOENT;
      return sys_error("opening {}", path);
    }
    return c->second;
  }
  bool dir_empty(const std::string &path) override { return !not_empty.count(path); }
  Status mkdir_p(const std::string &path) override {
    if (record({"mkdir_p", path, "", "", 0, ""}) < 0)
      return sys_error("creating {}", path);
    missing.erase(path);
    return {};
  }

  Result<UniqueFd> open_in_root(int, std::string_view rel, int flags) override {
    std::string path = fs::clean_path(rel);
    auto fd = fd_for({"open_in_root", path, "", "", static_cast<unsigned long>(flags), ""});
    if (!fd)
      return sys_error("opening {}", rel);
    return fd;
  }
  Result<UniqueFd> mkdir_in_root(int, std::string_view rel) override {
    std::string path = fs::clean_path(rel);
    auto fd = fd_for({"mkdir_in_root", path, "", "", 0, ""});
    if (!fd)
      return sys_error("creating {}", path);
    return fd;
  }
  UniqueFd openat(int dir_fd, const char *name, int flags, mode_t mode) override {
    return fd_for({"openat", child(dir_fd, name), "", "", static_cast<unsigned long>(flags),
                   fmt::format("{:o}", mode)});
  }
  int mknodat(int dir_fd, const char *name, mode_t mode, dev_t dev) override {
    return record({"mknodat", child(dir_fd, name), "", "", mode,
                   fmt::format("{}:{}", major(dev), minor(dev))});
  }
  int fchmodat(int dir_fd, const char *name, mode_t mode) override {
    return record({"fchmodat", child(dir_fd, name), "", "", mode, ""});
  }
  int fchownat(int dir_fd, const char *name, uid_t uid, gid_t gid) override {
    return record({"fchownat", child(dir_fd, name), "", "", 0, fmt::format("{}:{}", uid, gid)});
  }
  int symlinkat(const char *target, int dir_fd, const char *name) override {
    return record({"symlinkat", child(dir_fd, name), target, "", 0, ""});
  }
  int unlinkat(int dir_fd, const char *name, int flags) override {
    return record({"unlinkat", child(dir_fd, name), "", "", static_cast<unsigned long>(flags), ""});
  }
  int fstatvfs(int fd, struct statvfs *sv) override {
    *sv = {};
    auto f = statvfs_flags.find(fd_paths_[fd]);
    sv->f_flag = f == statvfs_flags.end() ? 0 : f->second;
    return 0;
  }
  Status copy_tree(int src_dir_fd, int dst_dir_fd) override {
    if (record({"copy_tree", fd_paths_[dst_dir_fd], fd_paths_[src_dir_fd], "", 0, ""}) < 0)
      return sys_error("copying {}", fd_paths_[src_dir_fd]);
    return {};
  }
  int send_fd(int sock, int fd) override {
    return record({"send_fd", fd_paths_[fd], fmt::format("{}", sock), "", 0, ""}) < 0 ? errno : 0;
  }

private:
  struct Failure {
    std::string op, target;
    int err;
  };
  std::vector<Failure> failures_;
  std::map<int, std::string> fd_paths_;

  // "/proc/self/fd/N" as the path fd N stands for.
  std::string path_of(const char *target) const {
    std::string t = target;
    const std::string prefix = "/proc/self/fd/";
    if (t.rfind(prefix, 0) != 0)
      return t;
    auto p = fd_paths_.find(std::stoi(t.substr(prefix.size())));
    return p == fd_paths_.end() ? t : p->second;
  }

  std::string child(int dir_fd, const char *name) const {
    auto p = fd_paths_.find(dir_fd);
    std::string dir = p == fd_paths_.end() ? fmt::format("<fd {}>", dir_fd) : p->second;
    return fs::clean_path(dir + "/" + name);
  }

  // Records the call; -1 with errno when it is scripted to fail or its
  // path is missing.
  int record(MountCall c) {
    calls.push_back(c);
    for (auto f = failures_.begin(); f != failures_.end(); ++f)
      if (f->op == c.op && f->target == c.target) {
        errno = f->err;
        failures_.erase(f);
        return -1;
      }
    if ((c.op == "stat" || c.op == "open" || c.op == "open_in_root" || c.op == "real_path") &&
        missing.count(c.target)) {
      errno = ENOENT;
      return -1;
    }
    return 0;
  }

  UniqueFd fd_for(MountCall c) {
    std::string path = c.target;
    if (record(std::move(c)) < 0)
      return UniqueFd();
    UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    fd_paths_[fd.get()] = path;
    return fd;
  }
};

} // namespace skiff::test
