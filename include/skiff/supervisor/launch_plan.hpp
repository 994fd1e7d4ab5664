// What the engine decided to launch for one container (engine/launch_plan.hpp
// makes it), handed to its supervisor in memory: the supervisor is forked
// from the CLI, not exec'd. The supervisor carries the plan out and owns
// only the process; every decision about what runs, on what root, with
// which mounts, files, limits and network is made before it exists.
#pragma once

#include <string>
#include <vector>

#include "skiff/network/endpoint.hpp"
#include "skiff/network/ports.hpp"
#include "skiff/runtime/cgroups.hpp"
#include "skiff/runtime/devices.hpp"
#include "skiff/runtime/launch.hpp"
#include "skiff/storage/container_config.hpp"

namespace skiff::supervisor {

// A file the container's init spec binds in (/etc/hosts, /etc/hostname,
// /etc/resolv.conf), written before each start.
struct PlannedFile {
  std::string path;
  std::string content;
  bool operator==(const PlannedFile &) const = default;
};

// The container's network: a user-mode helper serving its own namespace,
// or endpoints on bridge networks.
struct NetworkPlan {
  // "slirp" (libslirp, started before the container exists and handed its
  // tap device), "slirp4netns" or "pasta" (started for its namespace);
  // empty for none, host and bridge networks.
  std::string helper;
  // Bridge networks: the veth pairs made once the container's namespace
  // exists (its own setup then configures its ends: InitSpec::interfaces).
  std::vector<network::Endpoint> endpoints;
  // Rootless: their bridges are in the user's network namespace, kept
  // from this runtime directory (network/user_netns.hpp).
  std::string user_netns_dir;
  // Published ports: bound on the host before the container is cloned,
  // then held by the container's port forwarder (network/ports.hpp).
  std::vector<network::PortRequest> ports;
};

// The container's cgroup: made before its init joins it, its device rules
// applied once the init's own setup is done, removed after each run.
struct CgroupPlan {
  std::string name;  // the container's ID
  runtime::CgroupLimits limits;
  std::vector<runtime::DeviceRule> device_rules;
};

// What the supervisor does when the command exits.
struct ExitPlan {
  storage::RestartPolicy restart;
  bool auto_remove = false;  // --rm: the container is forgotten, never restarted
};

struct LaunchPlan {
  std::string id;
  std::string name;                 // shown in ps: skiff-supervise NAME
  std::vector<std::string> dirs;    // made (0755) before each start: the root's mount point, upper, work
  std::vector<PlannedFile> files;   // written before each start
  NetworkPlan network;
  CgroupPlan cgroup;
  runtime::InitSpec init;           // the container's first process: root, mounts, devices, user, caps, seccomp, argv
  std::string run_dir;              // the attach socket's directory
  std::string log_path;             // the json-file log; empty: --log-driver none
  bool stdin_pipe = false;          // -i without -t: the command reads a pipe the supervisor feeds
  ExitPlan exit;
};

} // namespace skiff::supervisor
