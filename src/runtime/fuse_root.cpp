#include "fuse_root.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "skiff/sys/child.hpp"
#include "skiff/sys/fd_passing.hpp"
#include "skiff/sys/pipe.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime::detail {

Status mount_fuse_root(sys::MountOps &ops, const InitSpec &p, int sock) {
  UniqueFd fuse = ops.open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (!fuse) {
    int e = errno;
    if (e == EACCES || e == EPERM)
      return make_error(Errc::system,
                        "opening /dev/fuse: {}: the fuse-overlayfs driver needs it readable and "
                        "writable by every user (chmod 0666 /dev/fuse, as distributions ship it)",
                        std::strerror(e));
    return sys_error("opening /dev/fuse");
  }
  // default_permissions: the kernel checks modes and owners itself, as it
  // does on overlayfs; allow_other: every user in the container may enter.
  std::string data = fmt::format(
      "fd={},rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other", fuse.get());
  if (ops.mount("fuse-overlayfs", p.rootfs.c_str(), "fuse.fuse-overlayfs", 0, data.c_str()) < 0)
    return sys_error("mounting the container's root (fuse-overlayfs)");
  if (int e = ops.send_fd(sock, fuse.get()); e != 0) {
    errno = e;
    return sys_error("handing over the container's root file system");
  }
  return {};
}

std::vector<std::string> fuse_overlayfs_argv(const InitSpec &p) {
  return {"fuse-overlayfs", "-o",
          "lowerdir=" + str::join(p.lower, ":") + ",upperdir=" + p.upper + ",workdir=" + p.work};
}

static bool same_user_namespace(pid_t pid) {
  struct stat ours, theirs;
  if (::stat("/proc/self/ns/user", &ours) < 0 ||
      ::stat(fmt::format("/proc/{}/ns/user", pid).c_str(), &theirs) < 0)
    return true;
  return ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
}

// A map file's lines "inside outside count" as fuse-overlayfs takes them:
// "outside:inside:count" triples joined by ':', from the IDs on disk (ours)
// to those the container sees.
static Result<std::string> fuse_mapping(pid_t pid, const char *file) {
  auto text = TRY(fs::read_file(fmt::format("/proc/{}/{}", pid, file)));
  std::vector<std::string> triples;
  for (const auto &line : str::split(text, '\n')) {
    auto f = str::split(std::string(str::trim(line)), ' ');
    std::erase(f, "");
    if (f.size() == 3)
      triples.push_back(fmt::format("{}:{}:{}", f[1], f[0], f[2]));
  }
  if (triples.empty())
    return make_error(Errc::failed, "the container's user namespace has no {}", file);
  return str::join(triples, ":");
}

// Where fuse-overlayfs finds its connection: libfuse takes a mount point
// of /dev/fd/N as an already mounted connection on fd N.
static constexpr int kConnFd = 3;

Status serve_fuse_root(pid_t child, int conn, std::vector<std::string> argv) {
  if (!same_user_namespace(child)) {
    argv[2] += ",uidmapping=" + TRY(fuse_mapping(child, "uid_map"));
    argv[2] += ",gidmapping=" + TRY(fuse_mapping(child, "gid_map"));
  }
  argv.push_back(fmt::format("/dev/fd/{}", kConnFd));
  auto [err_r, err_w] = TRY(sys::make_pipe());
  // It outlives this exec: it holds none of the supervisor's fds (container
  // pipes, attach socket), nor its blocked or ignored signals.
  auto started = sys::spawn_program(argv, {-1, -1, err_w.get(), conn});
  if (!started && started.error().code == Errc::not_found)
    return make_error(Errc::failed, "the fuse-overlayfs driver needs the fuse-overlayfs program: "
                                    "install the fuse-overlayfs package");
  auto program = TRY(std::move(started));
  err_w.reset();
  // It forks its daemon once the connection is set up and exits 0; the
  // daemon has pointed its stderr at /dev/null by then, so this read ends.
  std::string output;
  char buf[1024];
  for (ssize_t n; (n = ::read(err_r.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno != EINTR)
      break;
    if (n > 0)
      output.append(buf, static_cast<size_t>(n));
  }
  if (program.wait() == 0)
    return {};
  return make_error(Errc::failed, "fuse-overlayfs could not serve the container's root: {}",
                    str::trim(output).empty() ? std::string("it failed without a message")
                                              : std::string(str::trim(output)));
}

} // namespace skiff::runtime::detail
