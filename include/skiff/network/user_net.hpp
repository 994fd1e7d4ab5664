// User-mode networking for a container's own network namespace: outbound
// access without privileges, as root and rootless. slirp4netns is the
// default (it is ready in a few milliseconds); pasta is there on request
// (`--network pasta`).
#pragma once

#include <sys/types.h>

#include <string>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::network {

// What the container sees of its network, for /etc/hosts, /etc/resolv.conf
// and inspect. Empty strings where the helper copies the host's addresses.
struct UserNetAddresses {
  std::string address, gateway, dns;
};

// The helper behind a container's network mode ("default", "slirp4netns",
// "pasta"); empty for "none" and "host".
std::string user_net_helper(const std::string &network_mode);
UserNetAddresses user_net_addresses(const std::string &helper);

// A running helper, connected to the network namespace of a container's
// first process. It lives in the background until stop() (or until this
// process dies: slirp4netns watches an fd only we hold).
class UserNet {
public:
  UserNet() = default;
  // Starts `helper` for the network namespace of `pid`; `rundir` gets its
  // PID file and log. Returns before the namespace is configured.
  static Result<UserNet> start(const std::string &helper, pid_t pid, const std::string &rundir);
  // Blocks until the namespace is configured, or the helper failed.
  Status wait_ready();
  // Stops the helper; returns its PID for the caller to reap, or 0.
  pid_t stop();

private:
  std::string helper_, rundir_;
  pid_t pid_ = 0;
  UniqueFd ready_, exit_;
};

// Stops a helper a dead supervisor left behind, found by its PID file.
void stop_orphaned_user_net(const std::string &rundir);

} // namespace skiff::network
