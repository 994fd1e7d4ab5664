// The container child's mount sequence (runtime::prepare_root) against a
// recording fake: the order of its mounts for init specs made the way the
// engine makes them, and its failures.
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "fake_mount_ops.hpp"
#include "launch_inputs.hpp"
#include "skiff/engine/launch_plan.hpp"
#include "skiff/runtime/prepare_root.hpp"

using namespace skiff;
using test::FakeMountOps;
using test::MountCall;

namespace {

const std::string kRoot = "/r/containers/c0ffee/rootfs";
const std::string kFiles = "/s/containers/c0ffee";

// A container as create leaves it (launch_inputs.hpp), on a cgroup v2
// host, run by root.
engine::LaunchInputs inputs() {
  auto in = test::inputs();
  in.host.cgroup_mounts = {runtime::CgroupMount{}};
  return in;
}

runtime::InitSpec spec(const engine::LaunchInputs &in) {
  auto p = engine::plan_launch(in);
  if (!p)
    FAIL(p.error().message);
  return std::move(p->init);
}

// The host as the plan sees it: the nodes and files it binds are files,
// and Docker's masked /proc entries are files too, bar its directories.
FakeMountOps host() {
  FakeMountOps ops;
  for (const char *dev : {"null", "zero", "full", "random", "urandom", "tty"})
    ops.files.insert(std::string("/dev/") + dev);
  for (const char *f : {"hosts", "hostname", "resolv.conf"})
    ops.files.insert(kFiles + "/" + f);
  for (const auto &path : engine::default_masked_paths())
    if (path != "/proc/asound" && path != "/proc/acpi" && path != "/proc/scsi" &&
        path.rfind("/sys/", 0) != 0)
      ops.files.insert(path);
  return ops;
}

Status run(FakeMountOps &ops, const runtime::InitSpec &p, int fuse_sock = -1) {
  return runtime::prepare_root(ops, p, fuse_sock);
}

// The error the sequence stops with.
std::string failure(FakeMountOps &ops, const runtime::InitSpec &p) {
  auto s = run(ops, p);
  REQUIRE_FALSE(s);
  return s.error().message;
}

std::vector<std::string> mount_targets(const FakeMountOps &ops) {
  std::vector<std::string> out;
  for (const auto &c : ops.of("mount"))
    out.push_back(c.target);
  return out;
}

// Where the first call of `op` on `target` is in the sequence.
size_t at(const FakeMountOps &ops, const std::string &op, const std::string &target) {
  auto c = std::find_if(ops.calls.begin(), ops.calls.end(),
                        [&](const MountCall &x) { return x.op == op && x.target == target; });
  if (c == ops.calls.end())
    FAIL("no " << op << " of " << target);
  return static_cast<size_t>(c - ops.calls.begin());
}

// The mounts of `target`, in order.
std::vector<MountCall> mounts_of(const FakeMountOps &ops, const std::string &target) {
  std::vector<MountCall> out;
  for (const auto &c : ops.of("mount"))
    if (c.target == target)
      out.push_back(c);
  return out;
}

bool called(const FakeMountOps &ops, const std::string &op, const std::string &target) {
  return std::any_of(ops.calls.begin(), ops.calls.end(),
                     [&](const MountCall &x) { return x.op == op && x.target == target; });
}

} // namespace

TEST_CASE("mount sequence: the overlay root, the system mounts, the container's files, pivot_root",
          "[mount_sequence]") {
  auto ops = host();
  auto p = spec(inputs());
  REQUIRE(run(ops, p));

  auto targets = mount_targets(ops);
  std::vector<std::string> before_pivot{
      "/",  kRoot, "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
      "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
      "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/sys/fs/cgroup", "."};
  REQUIRE(targets.size() > before_pivot.size());
  CHECK(std::vector<std::string>(targets.begin(), targets.begin() + before_pivot.size()) ==
        before_pivot);

  // The host's mounts become slaves before anything is mounted.
  CHECK(ops.calls[0].op == "mount");
  CHECK(ops.calls[0].flags == (MS_REC | MS_SLAVE));
  const auto root = mounts_of(ops, kRoot).at(0);
  CHECK(root.type == "overlay");
  CHECK(root.data == "lowerdir=/s/layers/b/diff:/s/layers/a/diff,upperdir=" + kFiles +
                         "/upper,workdir=" + kFiles + "/work");

  CHECK(mounts_of(ops, "/proc").at(0).type == "proc");
  CHECK(mounts_of(ops, "/dev/pts").at(0).data == "newinstance,ptmxmode=0666,mode=0620,gid=5");
  CHECK(mounts_of(ops, "/dev/shm").at(0).data == "mode=1777,size=65536k");
  const auto sys = mounts_of(ops, "/sys").at(0);
  CHECK(sys.type == "sysfs");
  CHECK(sys.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
  const auto null = mounts_of(ops, "/dev/null").at(0);
  CHECK(null.source == "/dev/null");
  CHECK(null.flags == MS_BIND);
  // A file bind gets a file to be mounted on.
  CHECK((ops.calls[at(ops, "openat", "/etc/hosts")].flags & O_CREAT) != 0);
  CHECK(mounts_of(ops, "/etc/hosts").at(0).source == kFiles + "/hosts");
  const auto cgroup = mounts_of(ops, "/sys/fs/cgroup").at(0);
  CHECK(cgroup.type == "cgroup2");
  CHECK((cgroup.flags & MS_RDONLY) != 0);
  // The links every program expects, in the new /dev.
  CHECK(ops.calls[at(ops, "symlinkat", "/dev/fd")].source == "/proc/self/fd");
  CHECK(at(ops, "symlinkat", "/dev/ptmx") < at(ops, "pivot_root", "."));

  // pivot_root, then the old root, reached through its fd, made a slave
  // and detached.
  size_t pivot = at(ops, "pivot_root", ".");
  CHECK(at(ops, "chdir", kRoot) < pivot);
  CHECK(ops.calls[pivot + 1].op == "fchdir");
  CHECK(ops.calls[pivot + 1].target == "/");
  CHECK(ops.calls[pivot + 2].op == "mount");
  CHECK(ops.calls[pivot + 2].flags == (MS_SLAVE | MS_REC));
  CHECK(ops.calls[pivot + 3].op == "umount2");
  CHECK(ops.calls[pivot + 3].flags == MNT_DETACH);
  CHECK(ops.calls[pivot + 4].op == "chdir");
  CHECK(ops.calls[pivot + 4].target == "/");

  // Masked paths after it: a directory under a read-only tmpfs, a file
  // under /dev/null; then the read-only paths, bound and remounted.
  CHECK(at(ops, "mount", "/proc/kcore") > pivot);
  CHECK(mounts_of(ops, "/proc/kcore").at(0).source == "/dev/null");
  const auto acpi = mounts_of(ops, "/proc/acpi").at(0);
  CHECK(acpi.type == "tmpfs");
  CHECK(acpi.flags == MS_RDONLY);
  const auto sysctl = mounts_of(ops, "/proc/sys");
  REQUIRE(sysctl.size() == 2);
  CHECK(sysctl[0].flags == (MS_BIND | MS_REC));
  CHECK(sysctl[1].flags == (MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
  CHECK(at(ops, "mount", "/proc/kcore") < at(ops, "mount", "/proc/sys"));
  CHECK(targets.back() == "/proc/sysrq-trigger");  // the root stays writable

  // Then the hostname, then the open-files limit raised to the hard one.
  size_t hostname = at(ops, "sethostname", "c0ffee");
  CHECK(hostname > at(ops, "mount", "/proc/sysrq-trigger"));
  auto limits = ops.of("setrlimit");
  REQUIRE(limits.size() == 1);
  CHECK(limits[0].flags == RLIMIT_NOFILE);
  CHECK(limits[0].data == "524288:524288");
  CHECK(ops.calls.back().op == "setrlimit");
}

TEST_CASE("mount sequence: the vfs copy root is bound, fuse-overlayfs mounted and handed over",
          "[mount_sequence]") {
  auto in = inputs();
  in.config.storage_driver = in.driver = storage::DriverKind::vfs;
  auto ops = host();
  REQUIRE(run(ops, spec(in)));
  auto targets = mount_targets(ops);
  REQUIRE(targets.size() > 2);
  CHECK(targets[1] == kRoot);
  const auto root = mounts_of(ops, kRoot).at(0);
  CHECK(root.source == kFiles + "/rootfs");
  CHECK(root.flags == (MS_BIND | MS_REC));
  CHECK(targets[2] == "/proc");

  in = inputs();
  in.config.storage_driver = in.driver = storage::DriverKind::fuse_overlayfs;
  ops = host();
  REQUIRE(run(ops, spec(in), 42));
  const auto fuse = mounts_of(ops, kRoot).at(0);
  CHECK(fuse.type == "fuse.fuse-overlayfs");
  CHECK(fuse.data.find("rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other") !=
        std::string::npos);
  size_t sent = at(ops, "send_fd", "/dev/fuse");
  CHECK(ops.calls[sent].source == "42");
  CHECK(at(ops, "open", "/dev/fuse") < at(ops, "mount", kRoot));
  CHECK(sent < at(ops, "mount", "/proc"));
}

TEST_CASE("mount sequence: Docker's and Podman's files made in the root before any mount",
          "[mount_sequence]") {
  auto in = inputs();
  in.config.mounts = {{"volume", "data", "/run", false, false, {}}};
  in.volume_dirs = {{"data", "/s/volumes/data/_data"}};
  auto ops = host();
  REQUIRE(run(ops, spec(in)));

  const unsigned long create = O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC;
  const auto dockerenv = ops.calls[at(ops, "openat", "/.dockerenv")];
  CHECK(dockerenv.flags == create);
  CHECK(dockerenv.data == "755");
  const auto containerenv = ops.calls[at(ops, "openat", "/run/.containerenv")];
  CHECK(containerenv.flags == create);
  CHECK(containerenv.data == "644");
  CHECK(ops.calls[at(ops, "symlinkat", "/etc/mtab")].source == "/proc/mounts");
  CHECK_FALSE(called(ops, "unlinkat", "/etc/mtab"));
  // In the container's layer: after the volume at /run is filled (so it
  // does not get .containerenv) and before it or anything else is mounted.
  CHECK(at(ops, "copy_tree", "/s/volumes/data/_data") < at(ops, "openat", "/.dockerenv"));
  CHECK(at(ops, "mount", kRoot) < at(ops, "openat", "/.dockerenv"));
  CHECK(at(ops, "symlinkat", "/etc/mtab") < at(ops, "mount", "/proc"));
  CHECK(at(ops, "openat", "/run/.containerenv") < at(ops, "mount", "/run"));
}

TEST_CASE("mount sequence: an image's /etc/mtab is replaced by the link, bar a directory",
          "[mount_sequence]") {
  auto ops = host();
  ops.fail("symlinkat", "/etc/mtab", EEXIST);
  REQUIRE(run(ops, spec(inputs())));
  auto links = ops.of("symlinkat");
  CHECK(std::count_if(links.begin(), links.end(), [](const MountCall &c) {
          return c.target == "/etc/mtab" && c.source == "/proc/mounts";
        }) == 2);
  size_t unlink = at(ops, "unlinkat", "/etc/mtab");
  CHECK(ops.calls[unlink - 1].op == "symlinkat");
  CHECK(ops.calls[unlink + 1].op == "symlinkat");

  auto dir = host();
  dir.fail("symlinkat", "/etc/mtab", EEXIST);
  dir.fail("unlinkat", "/etc/mtab", EISDIR);
  REQUIRE(run(dir, spec(inputs())));
  CHECK(called(dir, "unlinkat", "/etc/mtab"));
  CHECK(dir.of("symlinkat").size() == links.size() - 1);

  // An already existing /.dockerenv is left as it is.
  auto env = host();
  env.fail("openat", "/.dockerenv", EEXIST);
  REQUIRE(run(env, spec(inputs())));
}

TEST_CASE("mount sequence: binds and volumes after their parents, volumes filled first",
          "[mount_sequence]") {
  auto in = inputs();
  // docker run -v /host/app:/app -v deps:/app/node_modules --mount
  // type=bind,src=/host/cache,dst=/app/cache,ro --tmpfs /scratch:exec,size=1m
  in.config.mounts = {
      {"volume", "deps", "/app/node_modules", false, false, {}},
      {"bind", "/host/app", "/app", false, false, {}},
      {"bind", "/host/cache", "/app/cache", true, false, {}},
      {"tmpfs", "", "/scratch", false, false, {"exec", "size=1m"}},
  };
  in.volume_dirs = {{"deps", "/s/volumes/deps/_data"}};
  auto ops = host();
  REQUIRE(run(ops, spec(in)));

  // The volume gets the image's content, before any bind could cover it.
  size_t fill = at(ops, "copy_tree", "/s/volumes/deps/_data");
  CHECK(ops.calls[fill].source == "/app/node_modules");
  CHECK(fill > at(ops, "mount", kRoot));
  CHECK(fill < at(ops, "mount", "/proc"));

  CHECK(at(ops, "mount", "/dev/tty") < at(ops, "mount", "/app"));
  CHECK(at(ops, "mount", "/app") < at(ops, "mount", "/app/node_modules"));
  CHECK(at(ops, "mount", "/app") < at(ops, "mount", "/app/cache"));
  CHECK(at(ops, "mount", "/app/node_modules") < at(ops, "mount", "/etc/hosts"));

  // Each bind: the bind, then Docker's rprivate propagation.
  auto app = mounts_of(ops, "/app");
  REQUIRE(app.size() == 2);
  CHECK(app[0].source == "/host/app");
  CHECK(app[0].flags == (MS_BIND | MS_REC));
  CHECK(app[1].flags == (MS_PRIVATE | MS_REC));
  CHECK(mounts_of(ops, "/app/node_modules").at(0).source == "/s/volumes/deps/_data");
  // A read-only bind is remounted read-only before its propagation is set.
  auto cache = mounts_of(ops, "/app/cache");
  REQUIRE(cache.size() == 3);
  CHECK(cache[1].flags == (MS_REMOUNT | MS_BIND | MS_RDONLY));
  CHECK(cache[2].flags == (MS_PRIVATE | MS_REC));

  const auto scratch = mounts_of(ops, "/scratch").at(0);
  CHECK(scratch.type == "tmpfs");
  CHECK(scratch.flags == (MS_NOSUID | MS_NODEV));
  CHECK(scratch.data == "mode=1777,size=1m");

  // A volume with content of its own is left as it is.
  ops = host();
  ops.not_empty.insert("/s/volumes/deps/_data");
  REQUIRE(run(ops, spec(in)));
  CHECK(ops.of("copy_tree").empty());
}

TEST_CASE("mount sequence: a shared bind keeps the mount holding its source a peer",
          "[mount_sequence]") {
  auto in = inputs();
  in.config.mounts = {{"bind", "/host/sub", "/data", false, false, {"rshared"}}};
  auto ops = host();
  ops.contents["/proc/self/mountinfo"] =
      "21 1 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n"
      "22 21 8:2 / /host rw shared:2 - ext4 /dev/sda2 rw\n"
      "23 22 0:30 / /host/sub/deep rw shared:3 - tmpfs tmpfs rw\n"
      "24 21 0:31 / /r rw shared:4 - tmpfs tmpfs rw\n";
  REQUIRE(run(ops, spec(in)));
  size_t root = at(ops, "mount", kRoot);
  // Every mount but /host and those below the source became a slave, one
  // by one, before the root was mounted.
  for (const char *m : {"/", "/r"}) {
    CHECK(at(ops, "mount", m) < root);
    CHECK(ops.calls[at(ops, "mount", m)].flags == MS_SLAVE);
  }
  CHECK_FALSE(called(ops, "mount", "/host"));
  CHECK_FALSE(called(ops, "mount", "/host/sub/deep"));
  auto data = mounts_of(ops, "/data");
  REQUIRE(data.size() == 2);
  CHECK(data[1].flags == (MS_SHARED | MS_REC));

  // The source on the mount holding the container's root: refused, with
  // what to do about it.
  in.config.mounts = {{"bind", "/r/shared", "/data", false, false, {"shared"}}};
  ops = host();
  ops.contents["/proc/self/mountinfo"] = "21 1 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n"
                                         "24 21 0:31 / /r rw shared:4 - tmpfs tmpfs rw\n";
  CHECK(failure(ops, spec(in)).find(
            "/r/shared is on the mount /r, which also holds the container's root") != std::string::npos);
  CHECK(ops.of("mount").empty());
}

TEST_CASE("mount sequence: read-only root last, keeping the flags a user namespace locks",
          "[mount_sequence]") {
  auto in = inputs();
  in.config.read_only = true;
  in.config.mounts = {{"bind", "/host/data", "/data", true, false, {}}};
  auto ops = host();
  // Rootless, the source's mount is nosuid,nodev: a remount must keep that.
  ops.statvfs_flags["/data"] = ST_NOSUID | ST_NODEV;
  ops.statvfs_flags["/"] = ST_NOSUID;
  REQUIRE(run(ops, spec(in)));
  auto data = mounts_of(ops, "/data");
  REQUIRE(data.size() == 3);
  CHECK(data[1].flags == (MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV));
  auto all = ops.of("mount");
  CHECK(all.back().target == "/");
  CHECK(all.back().flags == (MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID));
  CHECK(all[all.size() - 2].target == "/proc/sysrq-trigger");
}

TEST_CASE("mount sequence: cgroup v1 hierarchies under a tmpfs, read-only unless privileged",
          "[mount_sequence]") {
  auto in = inputs();
  in.host.cgroup_mounts = {{"cpu,cpuacct", "cpu,cpuacct"}, {"memory", "memory"}};
  auto ops = host();
  REQUIRE(run(ops, spec(in)));
  auto top = mounts_of(ops, "/sys/fs/cgroup");
  REQUIRE(top.size() == 2);
  CHECK(top[0].type == "tmpfs");
  CHECK(top[0].data == "mode=755");
  CHECK(top[1].flags == (MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
  const auto cpu = mounts_of(ops, "/sys/fs/cgroup/cpu,cpuacct").at(0);
  CHECK(cpu.type == "cgroup");
  CHECK(cpu.data == "cpu,cpuacct");
  CHECK((cpu.flags & MS_RDONLY) != 0);
  CHECK(ops.calls[at(ops, "symlinkat", "/sys/fs/cgroup/cpuacct")].source == "cpu,cpuacct");
  CHECK(at(ops, "mount", "/sys/fs/cgroup/memory") < at(ops, "symlinkat", "/dev/fd"));
  size_t remount = static_cast<size_t>(
      std::find_if(ops.calls.begin(), ops.calls.end(),
                   [](const MountCall &c) { return c.op == "mount" && (c.flags & MS_REMOUNT); }) -
      ops.calls.begin());
  CHECK(remount > at(ops, "mount", "/sys/fs/cgroup/memory"));

  in.config.privileged = true;
  ops = host();
  REQUIRE(run(ops, spec(in)));
  CHECK(mounts_of(ops, "/sys/fs/cgroup").size() == 1);
  CHECK((mounts_of(ops, "/sys/fs/cgroup/memory").at(0).flags & MS_RDONLY) == 0);
  CHECK(ops.of("mount").back().target == ".");  // nothing masked after pivot_root
}

TEST_CASE("mount sequence: device nodes made as root, bound rootless", "[mount_sequence]") {
  auto in = inputs();
  in.config.devices = {{"/dev/null", "/dev/mynull", "rwm"}};
  auto ops = host();
  REQUIRE(run(ops, spec(in)));
  size_t node = at(ops, "mknodat", "/dev/mynull");
  CHECK(ops.calls[node].data == "1:3");
  CHECK((ops.calls[node].flags & S_IFMT) == S_IFCHR);
  CHECK(node > at(ops, "mount", "/sys/fs/cgroup"));
  CHECK(node > at(ops, "mount", "/dev"));
  CHECK(at(ops, "fchmodat", "/dev/mynull") > node);
  CHECK(at(ops, "fchownat", "/dev/mynull") > node);

  in.host.rootless = true;
  ops = host();
  REQUIRE(run(ops, spec(in)));
  CHECK(ops.of("mknodat").empty());
  size_t file = at(ops, "openat", "/dev/mynull");
  CHECK((ops.calls[file].flags & O_EXCL) != 0);
  const auto bind = mounts_of(ops, "/dev/mynull").at(0);
  CHECK(bind.source == "/dev/null");
  CHECK(bind.flags == MS_BIND);
  CHECK(at(ops, "mount", "/dev/mynull") > file);
}

TEST_CASE("mount sequence: the host's network keeps its hostname and binds its /sys",
          "[mount_sequence]") {
  auto in = inputs();
  in.config.network = "host";
  auto ops = host();
  REQUIRE(run(ops, spec(in)));
  CHECK(ops.of("sethostname").empty());
  auto sys = mounts_of(ops, "/sys");
  REQUIRE(sys.size() == 2);
  CHECK(sys[0].source == "/sys");
  CHECK(sys[0].flags == (MS_BIND | MS_REC));
  CHECK(sys[1].flags == (MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
}

TEST_CASE("mount sequence: --ulimit after the open-files limit is raised", "[mount_sequence]") {
  auto in = inputs();
  in.config.ulimits = {{"nofile", 100, 200}, {"nproc", 50, 60}};
  auto ops = host();
  REQUIRE(run(ops, spec(in)));
  auto limits = ops.of("setrlimit");
  REQUIRE(limits.size() == 3);
  CHECK(limits[0].data == "524288:524288");
  CHECK(limits[1].flags == RLIMIT_NOFILE);
  CHECK(limits[1].data == "100:200");
  CHECK(limits[2].flags == RLIMIT_NPROC);
  CHECK(limits[2].data == "50:60");

  // Already at the hard limit: nothing to raise.
  in.config.ulimits.clear();
  ops = host();
  ops.nofile = {4096, 4096};
  REQUIRE(run(ops, spec(in)));
  CHECK(ops.of("setrlimit").empty());
}

TEST_CASE("mount sequence: a failure stops it, naming what failed, unless it can do without",
          "[mount_sequence]") {
  auto p = spec(inputs());
  SECTION("a system mount") {
    auto ops = host();
    ops.fail("mount", "/dev/shm", EPERM);
    CHECK(failure(ops, p) == "mounting /dev/shm: Operation not permitted");
    CHECK(ops.calls.back().target == "/dev/shm");
    CHECK_FALSE(called(ops, "pivot_root", "."));
  }
  SECTION("the root") {
    auto ops = host();
    ops.fail("mount", kRoot, ENODEV);
    CHECK(failure(ops, p) == "mounting the container's root (overlay): No such device");
    CHECK(ops.calls.back().target == kRoot);
  }
  SECTION("a bind's mount point") {
    auto in = inputs();
    in.config.mounts = {{"bind", "/host/app", "/app", false, false, {}}};
    auto ops = host();
    ops.fail("mkdir_in_root", "/app", EROFS);
    CHECK(failure(ops, spec(in)) == "mounting /app: creating /app: Read-only file system");
    CHECK_FALSE(called(ops, "mount", "/app"));
  }
  SECTION("a bind's missing source") {
    auto in = inputs();
    in.config.mounts = {{"bind", "/host/gone", "/app", false, false, {}}};
    auto ops = host();
    ops.missing.insert("/host/gone");
    CHECK(failure(ops, spec(in)) == "bind source /host/gone: No such file or directory");
    CHECK_FALSE(called(ops, "mkdir_p", "/host/gone"));
  }
  SECTION("a -v bind's missing source is made, then bound (Docker's -v)") {
    auto in = inputs();
    in.config.mounts = {{"bind", "/host/new", "/app", false, false, {}, "volume", "", true}};
    auto ops = host();
    ops.missing.insert("/host/new");
    REQUIRE(run(ops, spec(in)));
    CHECK(at(ops, "mkdir_p", "/host/new") < at(ops, "mount", "/app"));
  }
  SECTION("a -v bind's source that cannot be made") {
    auto in = inputs();
    in.config.mounts = {{"bind", "/host/new", "/app", false, false, {}, "volume", "", true}};
    auto ops = host();
    ops.missing.insert("/host/new");
    ops.fail("mkdir_p", "/host/new", EACCES);
    CHECK(failure(ops, spec(in)) == "creating /host/new: Permission denied");
    CHECK_FALSE(called(ops, "mount", "/app"));
  }
  SECTION("devpts without gid=5 where group 5 is not mapped, as runc") {
    auto ops = host();
    ops.fail("mount", "/dev/pts", EINVAL);
    REQUIRE(run(ops, p));
    auto pts = mounts_of(ops, "/dev/pts");
    REQUIRE(pts.size() == 2);
    CHECK(pts[1].data == "newinstance,ptmxmode=0666,mode=0620");
  }
  SECTION("pivot_root") {
    auto ops = host();
    ops.fail("pivot_root", ".", EINVAL);
    CHECK(failure(ops, p) == "pivot_root: Invalid argument");
    CHECK(ops.calls.back().op == "pivot_root");
  }
  SECTION("the hostname") {
    auto ops = host();
    ops.fail("sethostname", "c0ffee", EPERM);
    CHECK(failure(ops, p) == "setting the hostname: Operation not permitted");
    CHECK(ops.of("setrlimit").empty());
  }
  SECTION("a --ulimit above the hard limit") {
    auto in = inputs();
    in.config.ulimits = {{"nofile", 100, 200}};
    auto ops = host();
    ops.nofile = {200, 200};
    ops.fail("setrlimit", "", EPERM);
    CHECK(failure(ops, spec(in)).rfind("setting ulimit nofile=100:200", 0) == 0);
  }
  SECTION("a masked path that cannot be masked is skipped") {
    auto ops = host();
    ops.fail("mount", "/proc/kcore", EPERM);
    ops.missing.insert("/proc/keys");
    REQUIRE(run(ops, p));
    CHECK_FALSE(called(ops, "mount", "/proc/keys"));
    CHECK(called(ops, "sethostname", "c0ffee"));
  }
}
