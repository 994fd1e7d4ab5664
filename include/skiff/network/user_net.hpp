// User-mode networking for a container's own network namespace: outbound
// access without privileges, as root and rootless. The default is libslirp
// run by a helper of our own on a tap device the container makes for
// itself (network/slirp.hpp), so the command never waits for a helper to
// start; slirp4netns (the same network stack as a program of its own) and
// pasta are there on request (`--network slirp4netns|pasta`).
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
  int prefix_len = 0;  // of `address`'s network
};

// The helper behind a container's network mode: "slirp" (libslirp, for
// "default"), "slirp4netns" or "pasta"; empty for "none" and "host".
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
  // Starts the libslirp helper, before the container exists; it serves the
  // container's tap device once given it.
  static Result<UserNet> start_slirp();
  void give_tap(UniqueFd tap);
  // Blocks until the namespace is configured, or the helper failed.
  Status wait_ready();
  // Stops the helper; returns its PID for the caller to reap, or 0.
  pid_t stop();

private:
  std::string helper_, rundir_;
  pid_t pid_ = 0;
  UniqueFd ready_, exit_, tap_sock_;
};

// Stops a helper a dead supervisor left behind, found by its PID file.
void stop_orphaned_user_net(const std::string &rundir);

} // namespace skiff::network
