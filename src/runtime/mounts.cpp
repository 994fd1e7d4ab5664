// Mounting the container's root and everything under it, in the child,
// before pivot_root. Paths inside the root are resolved with openat2
// RESOLVE_IN_ROOT, and mounts target the resolved fd, so a symlink in an
// image can never redirect a mount onto the host. Every syscall goes
// through sys::MountOps, so tests/unit/test_mount_sequence.cpp can check
// the order without privileges.
#include "mounts.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "fuse_root.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/mountinfo.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime::detail {

static std::string fd_path(int fd) { return fmt::format("/proc/self/fd/{}", fd); }

static Status mount_at(sys::MountOps &ops, const char *src, int target_fd, const char *type,
                       unsigned long flags, const std::string &data, const std::string &what) {
  if (ops.mount(src, fd_path(target_fd).c_str(), type, flags, data.empty() ? nullptr : data.c_str()) < 0)
    return sys_error("mounting {}", what);
  return {};
}

// Flags a bind remount must keep: in a user namespace the kernel refuses to
// clear nosuid/nodev/noexec/ro that the source mount has ("locked").
static unsigned long locked_flags(sys::MountOps &ops, int fd) {
  struct statvfs sv;
  if (ops.fstatvfs(fd, &sv) < 0)
    return 0;
  unsigned long f = 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY)
    f |= MS_RDONLY;
  return f;
}

Status remount_readonly(sys::MountOps &ops, const std::string &path, unsigned long extra) {
  UniqueFd fd = ops.open(path.c_str(), O_PATH | O_CLOEXEC);
  if (!fd)
    return sys_error("opening {}", path);
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | extra | locked_flags(ops, fd.get());
  if (ops.mount(nullptr, fd_path(fd.get()).c_str(), nullptr, flags, nullptr) < 0)
    return sys_error("making {} read-only", path);
  return {};
}

static bool under(const std::string &path, const std::string &dir) {
  return dir == "/" || path == dir || (path.rfind(dir, 0) == 0 && path[dir.size()] == '/');
}

// The topmost mount holding `path`.
static std::string holder(const std::vector<MountInfo> &mounts, const std::string &path) {
  std::string best = "/";
  for (const auto &m : mounts)
    if (under(path, m.mount_point) && m.mount_point.size() >= best.size())
      best = m.mount_point;
  return best;
}

Status isolate_mounts(sys::MountOps &ops, const InitSpec &p) {
  std::vector<std::pair<std::string, bool>> shared;  // source, recursive
  for (const auto &m : p.mounts)
    if (m.kind == MountOp::Kind::bind && (m.propagation & MS_SHARED))
      shared.emplace_back(TRY(ops.real_path(m.source)), (m.propagation & MS_REC) != 0);
  if (shared.empty()) {
    if (ops.mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0)
      return sys_error("making / a slave mount");
    return {};
  }
  auto mounts = parse_mountinfo(TRY(ops.read_file("/proc/self/mountinfo")));
  std::vector<std::string> keep;
  for (const auto &[source, recursive] : shared) {
    std::string h = holder(mounts, source);
    std::string root_holder = holder(mounts, TRY(ops.real_path(p.rootfs)));
    if (h == "/" || h == root_holder)
      return make_error(Errc::invalid,
                        "bind propagation shared: {} is on the mount {}, which also holds {}; give "
                        "the source a mount of its own (mount --bind {} {}; mount --make-shared {})",
                        source, h, h == "/" ? "the root" : "the container's root", source, source, source);
    keep.push_back(h);
    for (const auto &m : mounts)
      if (recursive && under(m.mount_point, source))
        keep.push_back(m.mount_point);
  }
  for (const auto &m : mounts) {
    if (std::find(keep.begin(), keep.end(), m.mount_point) != keep.end())
      continue;
    // Mounts hidden under others cannot be reached by path and do not matter.
    if (ops.mount(nullptr, m.mount_point.c_str(), nullptr, MS_SLAVE, nullptr) < 0 && m.mount_point == "/")
      return sys_error("making / a slave mount");
  }
  return {};
}

Status mount_root(sys::MountOps &ops, const InitSpec &p, int fuse_sock) {
  switch (p.driver) {
  case storage::DriverKind::fuse_overlayfs:
    return mount_fuse_root(ops, p, fuse_sock);
  case storage::DriverKind::vfs:
    if (ops.mount(p.copy_root.c_str(), p.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
      return sys_error("mounting the container's root ({})", p.copy_root);
    return {};
  case storage::DriverKind::overlay:
    break;
  }
  std::string data = "lowerdir=" + str::join(p.lower, ":") + ",upperdir=" + p.upper +
                     ",workdir=" + p.work;
  if (p.userxattr)
    data += ",userxattr";
  if (ops.mount("overlay", p.rootfs.c_str(), "overlay", 0, data.c_str()) < 0)
    return sys_error("mounting the container's root (overlay)");
  return {};
}

// Creates the mount point for `dest` in the root: a directory, or an empty
// file when the source is a file, mode 0755 as runc makes both (and not
// opened for writing, which would copy an image's file up). Returns it
// opened O_PATH.
static Result<UniqueFd> mount_point(sys::MountOps &ops, int root_fd, const std::string &dest,
                                    bool file) {
  if (!file)
    return ops.mkdir_in_root(root_fd, dest);
  auto parent = TRY(ops.mkdir_in_root(root_fd, fs::dirname(dest)));
  std::string name = fs::basename(dest);
  UniqueFd f = ops.openat(parent.get(), name.c_str(), O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
  if (!f && errno != EISDIR && errno != ELOOP && errno != EACCES && errno != EROFS)
    return sys_error("creating mount point {}", dest);
  return ops.open_in_root(root_fd, dest, O_PATH);
}

// Copies the image's content at the mount point into an empty volume. The
// source is resolved inside the container's root and nothing below it is
// followed, so an image's symlinks cannot pull host files in.
static Status fill_volume(sys::MountOps &ops, int root_fd, const MountOp &m) {
  auto src = ops.open_in_root(root_fd, m.destination, O_RDONLY | O_DIRECTORY);
  if (!src)
    return {};  // nothing (or not a directory) there in the image
  UniqueFd dst = ops.open(m.source.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (!dst)
    return sys_error("opening volume {}", m.source);
  if (auto s = ops.copy_tree(src->get(), dst.get()); !s)
    return std::move(s).error().wrap(fmt::format("filling the volume at {} from the image", m.destination));
  return {};
}

// Makes one device node with the host node's identity, or, in a user
// namespace (where mknod is refused), binds the host's node onto an empty
// file. A path that exists already is left alone, as runc does.
static Status make_device(sys::MountOps &ops, int root_fd, const DeviceNode &n, bool bind) {
  auto parent = TRY(ops.mkdir_in_root(root_fd, fs::dirname(n.path)));
  std::string name = fs::basename(n.path);
  auto failed = [&](const char *what) { return sys_error("{} device {}", what, n.path); };
  if (bind) {
    UniqueFd f = ops.openat(parent.get(), name.c_str(),
                            O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (!f)
      return errno == EEXIST ? Status{} : Status(failed("creating"));
    if (ops.mount(n.host_path.c_str(), fd_path(f.get()).c_str(), nullptr, MS_BIND, nullptr) < 0)
      return failed("binding");
    return {};
  }
  mode_t type = n.type == 'b' ? S_IFBLK : S_IFCHR;
  if (ops.mknodat(parent.get(), name.c_str(), type | n.mode, makedev(n.major, n.minor)) < 0)
    return errno == EEXIST ? Status{} : Status(failed("creating"));
  // mknod's mode went through the umask; the owner is the host node's.
  if (ops.fchmodat(parent.get(), name.c_str(), n.mode) < 0 ||
      ops.fchownat(parent.get(), name.c_str(), n.uid, n.gid) < 0)
    return failed("setting up");
  return {};
}

// The container's cgroup (its cgroup namespace's root) at /sys/fs/cgroup,
// as Docker mounts it: the v2 tree, or a tmpfs holding one mount per v1
// hierarchy and a link per co-mounted controller; read-only unless
// privileged, so limits can be read (JVM, Go, Node) but not changed.
static Status mount_cgroups(sys::MountOps &ops, int root_fd, const InitSpec &p) {
  if (p.cgroups.empty())
    return {};
  const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  const unsigned long ro = p.cgroups_writable ? 0 : MS_RDONLY;
  auto top = TRY(ops.mkdir_in_root(root_fd, "/sys/fs/cgroup"));
  if (p.cgroups.size() == 1 && p.cgroups[0].name.empty())
    return mount_at(ops, "cgroup2", top.get(), "cgroup2", flags | ro, "", "/sys/fs/cgroup");
  TRY_STATUS(mount_at(ops, "tmpfs", top.get(), "tmpfs", flags, "mode=755", "/sys/fs/cgroup"));
  auto dir = TRY(ops.open_in_root(root_fd, "/sys/fs/cgroup", O_RDONLY | O_DIRECTORY));
  for (const auto &c : p.cgroups) {
    std::string path = "/sys/fs/cgroup/" + c.name;
    auto target = TRY(ops.mkdir_in_root(root_fd, path));
    TRY_STATUS(mount_at(ops, "cgroup", target.get(), "cgroup", flags | ro, c.controllers, path));
    for (const auto &ctl : str::split(c.controllers, ','))
      if (ctl != c.name && ops.symlinkat(c.name.c_str(), dir.get(), ctl.c_str()) < 0 && errno != EEXIST)
        return sys_error("linking /sys/fs/cgroup/{}", ctl);
  }
  if (ro && ops.mount(nullptr, fd_path(dir.get()).c_str(), nullptr,
                      MS_REMOUNT | MS_BIND | MS_RDONLY | flags, nullptr) < 0)
    return sys_error("making /sys/fs/cgroup read-only");
  return {};
}

// The files Docker's init layer puts in every container: an empty
// /.dockerenv, and /etc/mtab a link to /proc/mounts whatever the image
// had there (bar a directory); and Podman's /run/.containerenv, empty as
// it is for an unprivileged container. Made in the container's own layer
// through fds opened in the root, before anything is mounted, so neither
// an image's symlinks nor a volume can take the writes elsewhere.
static Status make_engine_files(sys::MountOps &ops, int root_fd) {
  auto empty_file = [&](const std::string &path, mode_t mode) -> Status {
    auto dir = TRY(ops.mkdir_in_root(root_fd, fs::dirname(path)));
    std::string name = fs::basename(path);
    UniqueFd f = ops.openat(dir.get(), name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
    if (!f && errno != EEXIST)
      return sys_error("creating {}", path);
    return {};
  };
  TRY_STATUS(empty_file("/.dockerenv", 0755));
  TRY_STATUS(empty_file("/run/.containerenv", 0644));
  auto etc = TRY(ops.mkdir_in_root(root_fd, "/etc"));
  if (ops.symlinkat("/proc/mounts", etc.get(), "mtab") == 0)
    return {};
  if (errno != EEXIST)
    return sys_error("creating /etc/mtab");
  if (ops.unlinkat(etc.get(), "mtab", 0) < 0)
    return errno == EISDIR ? Status{} : Status(sys_error("replacing /etc/mtab"));
  if (ops.symlinkat("/proc/mounts", etc.get(), "mtab") < 0)
    return sys_error("creating /etc/mtab");
  return {};
}

Status mount_all(sys::MountOps &ops, const InitSpec &p) {
  UniqueFd root = ops.open(p.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (!root)
    return sys_error("opening {}", p.rootfs);
  // Volumes are filled before anything is mounted over the root, so they
  // get the image's content only, never that of a bind above them.
  for (const auto &m : p.mounts)
    if (m.fill_from_root && ops.dir_empty(m.source))
      TRY_STATUS(fill_volume(ops, root.get(), m));
  TRY_STATUS(make_engine_files(ops, root.get()));
  for (const auto &m : p.mounts) {
    using K = MountOp::Kind;
    bool file = false;
    if (m.kind == K::bind) {
      struct stat st;
      if (ops.stat(m.source.c_str(), &st) < 0 && errno == ENOENT && m.create_source)
        TRY_STATUS(ops.mkdir_p(m.source));
      if (ops.stat(m.source.c_str(), &st) < 0)
        return sys_error("bind source {}", m.source);
      file = !S_ISDIR(st.st_mode);
    }
    auto target = mount_point(ops, root.get(), m.destination, file);
    if (!target)
      return std::move(target).error().wrap(fmt::format("mounting {}", m.destination));
    int tfd = target->get();
    switch (m.kind) {
    case K::bind: {
      unsigned long f = MS_BIND | (m.recursive ? MS_REC : 0);
      if (m.tree_fd >= 0) {
        if (ops.move_mount_tree(m.tree_fd, fd_path(tfd).c_str()) < 0)
          return sys_error("mounting {}", m.destination);
      } else {
        TRY_STATUS(mount_at(ops, m.source.c_str(), tfd, nullptr, f, "", m.destination));
      }
      if (m.readonly || m.flags) {
        auto again = TRY(ops.open_in_root(root.get(), m.destination, O_PATH));
        unsigned long rf = MS_REMOUNT | MS_BIND | m.flags | locked_flags(ops, again.get()) |
                           (m.readonly ? MS_RDONLY : 0);
        if (ops.mount(nullptr, fd_path(again.get()).c_str(), nullptr, rf, nullptr) < 0)
          return sys_error("remounting {}", m.destination);
      }
      if (m.propagation) {
        auto again = TRY(ops.open_in_root(root.get(), m.destination, O_PATH));
        if (ops.mount(nullptr, fd_path(again.get()).c_str(), nullptr, m.propagation, nullptr) < 0)
          return sys_error("setting the propagation of {}", m.destination);
      }
      break;
    }
    case K::tmpfs:
      TRY_STATUS(mount_at(ops, "tmpfs", tfd, "tmpfs", m.flags | (m.readonly ? MS_RDONLY : 0), m.data,
                          m.destination));
      break;
    case K::proc:
      TRY_STATUS(mount_at(ops, "proc", tfd, "proc", m.flags, "", m.destination));
      break;
    case K::sysfs:
      TRY_STATUS(mount_at(ops, "sysfs", tfd, "sysfs", m.flags | (m.readonly ? MS_RDONLY : 0), "",
                          m.destination));
      break;
    case K::devpts: {
      // gid=5 needs group 5 mapped; retry without it as runc does.
      if (ops.mount("devpts", fd_path(tfd).c_str(), "devpts", m.flags, m.data.c_str()) < 0)
        TRY_STATUS(mount_at(ops, "devpts", tfd, "devpts", m.flags, "newinstance,ptmxmode=0666,mode=0620",
                            m.destination));
      break;
    }
    case K::mqueue:
      TRY_STATUS(mount_at(ops, "mqueue", tfd, "mqueue", m.flags, "", m.destination));
      break;
    case K::filesystem: {
      TRY_STATUS(mount_at(ops, m.source.c_str(), tfd, m.fs_type.c_str(), m.flags | (m.readonly ? MS_RDONLY : 0),
                          m.data, m.destination));
      if (m.propagation) {
        auto again = TRY(ops.open_in_root(root.get(), m.destination, O_PATH));
        if (ops.mount(nullptr, fd_path(again.get()).c_str(), nullptr, m.propagation, nullptr) < 0)
          return sys_error("setting the propagation of {}", m.destination);
      }
      break;
    }
    }
  }
  TRY_STATUS(mount_cgroups(ops, root.get(), p));
  for (const auto &d : p.devices)
    TRY_STATUS(make_device(ops, root.get(), d, p.bind_devices));
  // /dev links every program expects.
  UniqueFd dev = TRY(ops.open_in_root(root.get(), "/dev", O_RDONLY | O_DIRECTORY));
  const std::pair<const char *, const char *> links[] = {
      {"/proc/self/fd", "fd"},          {"/proc/self/fd/0", "stdin"},
      {"/proc/self/fd/1", "stdout"},    {"/proc/self/fd/2", "stderr"},
      {"pts/ptmx", "ptmx"},             {"/proc/kcore", "core"}};
  for (auto [target, name] : links)
    if (ops.symlinkat(target, dev.get(), name) < 0 && errno != EEXIST)
      return sys_error("creating /dev/{}", name);
  return {};
}

void mask_paths(sys::MountOps &ops, const InitSpec &p) {
  for (const auto &path : p.masked_paths) {
    struct stat st;
    if (ops.stat(path.c_str(), &st) < 0)
      continue;
    if (S_ISDIR(st.st_mode))
      ops.mount("tmpfs", path.c_str(), "tmpfs", MS_RDONLY, nullptr);
    else
      ops.mount("/dev/null", path.c_str(), nullptr, MS_BIND, nullptr);
  }
  for (const auto &path : p.readonly_paths) {
    if (ops.mount(path.c_str(), path.c_str(), nullptr, MS_BIND | MS_REC, nullptr) == 0)
      (void)remount_readonly(ops, path, MS_NOSUID | MS_NODEV | MS_NOEXEC);
  }
}

Status pivot_into(sys::MountOps &ops, const std::string &rootfs) {
  UniqueFd old_root = ops.open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (!old_root)
    return sys_error("opening /");
  if (ops.chdir(rootfs.c_str()) < 0)
    return sys_error("entering {}", rootfs);
  // pivot_root(".", ".") stacks the old root on the new one. "." still
  // names the new root, so the old one is reached through its fd: made a
  // slave (its unmounting must not reach the host) and detached.
  if (ops.pivot_root(".", ".") < 0)
    return sys_error("pivot_root");
  if (ops.fchdir(old_root.get()) < 0)
    return sys_error("entering the old root");
  if (ops.mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
    return sys_error("making the old root a slave");
  if (ops.umount2(".", MNT_DETACH) < 0)
    return sys_error("detaching the old root");
  if (ops.chdir("/") < 0)
    return sys_error("entering /");
  return {};
}

} // namespace skiff::runtime::detail
