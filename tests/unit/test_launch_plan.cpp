#include <sys/mount.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "launch_inputs.hpp"
#include "skiff/engine/launch_plan.hpp"

using namespace skiff;
using namespace skiff::engine;
using runtime::MountOp;
using test::inputs;

namespace {

supervisor::LaunchPlan plan(const LaunchInputs &in) {
  auto p = plan_launch(in);
  if (!p)
    FAIL(p.error().message);
  return std::move(*p);
}

const supervisor::PlannedFile &file(const supervisor::LaunchPlan &p, const std::string &name) {
  auto f = std::find_if(p.files.begin(), p.files.end(),
                        [&](const auto &x) { return x.path == "/s/containers/c0ffee/" + name; });
  REQUIRE(f != p.files.end());
  return *f;
}

std::vector<std::string> destinations(const supervisor::LaunchPlan &p) {
  std::vector<std::string> out;
  for (const auto &m : p.init.mounts)
    out.push_back(m.destination);
  return out;
}

const MountOp &mount_at(const supervisor::LaunchPlan &p, const std::string &dest) {
  auto m = std::find_if(p.init.mounts.begin(), p.init.mounts.end(),
                        [&](const auto &x) { return x.destination == dest; });
  REQUIRE(m != p.init.mounts.end());
  return *m;
}

} // namespace

TEST_CASE("plan: the root from the image's layers, top first, over the container's upper dir",
          "[launch_plan]") {
  auto p = plan(inputs());
  CHECK(p.id == "c0ffee");
  CHECK(p.init.lower == std::vector<std::string>{"/s/layers/b/diff", "/s/layers/a/diff"});
  CHECK(p.init.upper == "/s/containers/c0ffee/upper");
  CHECK(p.init.work == "/s/containers/c0ffee/work");
  CHECK(p.init.rootfs == "/r/containers/c0ffee/rootfs");
  std::vector<std::string> dirs{p.init.rootfs, p.init.upper, p.init.work};
  CHECK(p.dirs == dirs);
  CHECK(p.init.driver == storage::DriverKind::overlay);
  CHECK(p.init.copy_root.empty());
  CHECK(p.init.argv == std::vector<std::string>{"sh", "-c", "true"});
  CHECK(p.init.cwd == "/");
  CHECK(p.run_dir == "/r/containers/c0ffee");
  CHECK(p.log_path == "/s/containers/c0ffee/c0ffee-json.log");
  CHECK(p.cgroup.name == "c0ffee");
}

TEST_CASE("plan: the driver decides how the root is made", "[launch_plan]") {
  auto in = inputs();
  in.driver = storage::DriverKind::vfs;
  auto p = plan(in);
  CHECK(p.init.driver == storage::DriverKind::vfs);
  CHECK(p.init.copy_root == "/s/containers/c0ffee/rootfs");
  in = inputs();
  in.driver = storage::DriverKind::fuse_overlayfs;
  p = plan(in);
  CHECK(p.init.driver == storage::DriverKind::fuse_overlayfs);
  CHECK(p.init.copy_root.empty());
  CHECK(p.init.lower == std::vector<std::string>{"/s/layers/b/diff", "/s/layers/a/diff"});
  in = inputs();
  in.host.in_user_namespace = true;
  CHECK(plan(in).init.userxattr);
}

TEST_CASE("plan: the default network is libslirp on a tap device, with its files", "[launch_plan]") {
  auto p = plan(inputs());
  CHECK(p.network.helper == "slirp");
  REQUIRE(p.init.tap);
  CHECK(p.init.tap->address == "10.0.2.100");
  CHECK(p.init.new_netns);
  CHECK(p.init.hostname == "c0ffee");
  CHECK(file(p, "hostname").content == "c0ffee\n");
  CHECK(file(p, "hosts").content.ends_with("10.0.2.100\tc0ffee\n"));
  // Loopback name servers mean nothing in the container: the forwarder
  // takes the first one's place.
  CHECK(file(p, "resolv.conf").content ==
        "nameserver 10.0.2.3\nnameserver 192.0.2.1\nsearch example.org\n");
}

TEST_CASE("plan: other networks", "[launch_plan]") {
  auto in = inputs();
  in.config.network = "none";
  auto p = plan(in);
  CHECK(p.network.helper.empty());
  CHECK_FALSE(p.init.tap);
  CHECK(p.init.new_netns);
  CHECK(file(p, "hosts").content.ends_with("127.0.1.1\tc0ffee\n"));
  CHECK(file(p, "resolv.conf").content.empty());

  in.config.network = "host";
  p = plan(in);
  CHECK(p.network.helper.empty());
  CHECK_FALSE(p.init.new_netns);
  CHECK(p.init.hostname.empty());  // the host's, not set
  CHECK(file(p, "hostname").content == "buildhost\n");
  CHECK(file(p, "hosts").content == in.host.hosts);
  // No sysfs of its own without a network namespace: the host's, bound.
  CHECK(mount_at(p, "/sys").kind == MountOp::Kind::bind);

  in.config.network = "slirp4netns";
  p = plan(in);
  CHECK(p.network.helper == "slirp4netns");
  CHECK_FALSE(p.init.tap);  // slirp4netns makes its own
  CHECK(file(p, "resolv.conf").content.starts_with("nameserver 10.0.2.3\n"));
}

TEST_CASE("plan: mounts in order, the container's files last", "[launch_plan]") {
  auto in = inputs();
  in.config.mounts = {
      {"bind", "/host/sub", "/data/sub", true, false, {"rshared"}},
      {"volume", "vol1", "/data", false, false, {}},
      {"volume", "vol2", "/etc", false, true, {"nocopy"}},
      {"tmpfs", "", "/scratch", false, false, {"exec", "size=1m"}},
  };
  in.volume_dirs = {{"vol1", "/s/volumes/vol1/_data"}, {"vol2", "/s/volumes/vol2/_data"}};
  auto p = plan(in);
  auto d = destinations(p);
  auto pos = [&](const std::string &x) { return std::find(d.begin(), d.end(), x) - d.begin(); };
  CHECK(pos("/proc") < pos("/data"));
  CHECK(pos("/data") < pos("/data/sub"));  // parents first, whatever the order given
  CHECK(std::vector<std::string>(d.end() - 3, d.end()) ==
        std::vector<std::string>{"/etc/hosts", "/etc/hostname", "/etc/resolv.conf"});
  CHECK(mount_at(p, "/etc/hosts").source == "/s/containers/c0ffee/hosts");

  const auto &vol = mount_at(p, "/data");
  CHECK(vol.source == "/s/volumes/vol1/_data");
  CHECK(vol.fill_from_root);
  CHECK(vol.propagation == (MS_PRIVATE | MS_REC));
  CHECK_FALSE(mount_at(p, "/etc").fill_from_root);  // nocopy
  const auto &bind = mount_at(p, "/data/sub");
  CHECK(bind.source == "/host/sub");
  CHECK(bind.readonly);
  CHECK_FALSE(bind.fill_from_root);
  CHECK(bind.propagation == (MS_SHARED | MS_REC));
  const auto &tmp = mount_at(p, "/scratch");
  CHECK(tmp.kind == MountOp::Kind::tmpfs);
  CHECK(tmp.flags == (MS_NOSUID | MS_NODEV));
  CHECK(tmp.data == "mode=1777,size=1m");
}

TEST_CASE("plan: confinement, devices and the cgroup", "[launch_plan]") {
  auto in = inputs();
  in.config.limits.memory = 64 << 20;
  in.config.limits.pids = 10;
  in.config.device_cgroup_rules = {"c 10:200 rwm"};
  auto p = plan(in);
  CHECK(p.cgroup.limits.memory == 64 << 20);
  CHECK(p.cgroup.limits.pids == 10);
  auto rules = runtime::default_device_rules();
  rules.push_back({'c', 10, 200, "rwm"});
  CHECK(p.cgroup.device_rules == rules);
  CHECK(std::find(p.init.masked_paths.begin(), p.init.masked_paths.end(), "/proc/kcore") !=
        p.init.masked_paths.end());
  CHECK(p.init.seccomp.empty());  // unconfined
  CHECK(mount_at(p, "/sys").readonly);

  in.config.privileged = true;
  in.host.rootless = true;
  p = plan(in);
  CHECK(p.cgroup.device_rules == std::vector<runtime::DeviceRule>{runtime::kAllDevices});
  CHECK(p.init.masked_paths.empty());
  CHECK(p.init.devices.empty());  // rootless: no host nodes
  CHECK(p.init.bind_devices);
  CHECK(p.init.cgroups_writable);
  CHECK_FALSE(mount_at(p, "/sys").readonly);
}

TEST_CASE("plan: stdio, log and exit", "[launch_plan]") {
  auto in = inputs();
  in.config.open_stdin = true;
  in.config.restart = {"on-failure", 3};
  auto p = plan(in);
  CHECK(p.stdin_pipe);
  CHECK(p.exit.restart.name == "on-failure");
  CHECK(p.exit.restart.max_retries == 3);
  CHECK_FALSE(p.exit.auto_remove);

  in.config.tty = true;  // the pty carries stdin
  in.config.log_driver = "none";
  in.config.auto_remove = true;
  p = plan(in);
  CHECK_FALSE(p.stdin_pipe);
  CHECK(p.init.tty);
  CHECK(p.log_path.empty());
  CHECK(p.exit.auto_remove);
}

TEST_CASE("plan: a container without a command is refused", "[launch_plan]") {
  auto in = inputs();
  in.config.cmd.clear();
  auto p = plan_launch(in);
  REQUIRE_FALSE(p);
  CHECK(p.error().message == "no command specified");
}
