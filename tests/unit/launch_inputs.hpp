// Unit-test helper: what the engine gathers to plan a container's launch.
#pragma once

#include "skiff/engine/launch_plan.hpp"

namespace skiff::test {

// A container as create leaves it, on the overlay driver, with no seccomp
// program to compile.
inline engine::LaunchInputs inputs() {
  engine::LaunchInputs in;
  auto &c = in.config;
  c.id = "c0ffee";
  c.hostname = "c0ffee";
  c.cmd = {"sh", "-c", "true"};
  c.network = "default";
  c.seccomp = "unconfined";
  c.storage_driver = storage::DriverKind::overlay;
  in.layers = {"/s/layers/a/diff", "/s/layers/b/diff"};
  in.container_dir = "/s/containers/c0ffee";
  in.log_path = "/s/containers/c0ffee/c0ffee-json.log";
  in.run_dir = "/r/containers/c0ffee";
  in.driver = storage::DriverKind::overlay;
  in.root_copy = "/s/containers/c0ffee/rootfs";
  in.seccomp_cache = "/nonexistent";
  in.host.hostname = "buildhost";
  in.host.hosts = "127.0.0.1 localhost buildhost\n";
  in.host.resolv_conf = "nameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch example.org\n";
  return in;
}

} // namespace skiff::test
