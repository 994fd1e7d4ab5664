// Rootless bridge networks live in one network namespace per user, owned
// by the user's user namespace: its bridges join that user's containers at
// veth speed, and a libslirp helper on its tap0 (slirp4netns's addresses:
// 10.0.2.100, gateway 10.0.2.2, DNS 10.0.2.3) takes their traffic out,
// masqueraded. A holder process (`skiff-netns`) keeps it: started by the
// first command that needs it, it ends once no container has been attached
// for two of its looks, half a minute apart. No daemon stays.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "skiff/util/fd.hpp"
#include "skiff/util/lock.hpp"
#include "skiff/util/result.hpp"

namespace skiff::network {

// The namespace held for one use: while this lives the holder does not end.
class UserNetns {
public:
  // `dir` (RUNROOT/netns) holds netns.pid, netns.lock and
  // netns.start.lock. Starts the holder if none runs.
  static Result<UserNetns> acquire(const std::string &dir);
  // The running one, or nullopt (there is nothing in a namespace that
  // does not exist).
  static Result<std::optional<UserNetns>> find(const std::string &dir);
  int fd() const { return netns_.get(); }

private:
  static Result<std::optional<UserNetns>> open(const std::string &dir, bool start);
  UserNetns(FileLock use, UniqueFd netns) : use_(std::move(use)), netns_(std::move(netns)) {}
  FileLock use_;  // shared: the holder takes it exclusively to end
  UniqueFd netns_;
};

// Runs `body` in a child that has entered the network namespace `netns_fd`
// (a thread of this process would not do: the supervisor forks, and the
// caller may lack the rights to come back). Its error comes back.
Status in_netns(int netns_fd, const std::function<Status()> &body);

// The DNS server a rootless network forwards to: libslirp's, on tap0.
inline constexpr const char *kUserNetnsDns = "10.0.2.3";

} // namespace skiff::network
