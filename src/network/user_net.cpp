#include "skiff/network/user_net.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "skiff/network/pasta.hpp"
#include "skiff/network/slirp.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "pid_file.hpp"
#include "slirp4netns.hpp"

namespace skiff::network {

namespace {

constexpr const char *kSlirpPidFile = "/slirp4netns.pid";
constexpr const char *kSlirpLog = "/slirp4netns.log";
constexpr const char *kPastaPidFile = "/pasta.pid";

} // namespace

std::string user_net_helper(const std::string &mode) {
  if (mode == "default")
    return "slirp";
  if (mode == "slirp4netns")
    return "slirp4netns";
  if (mode == "pasta")
    return "pasta";
  return "";
}

UserNetAddresses user_net_addresses(const std::string &helper) {
  // slirp4netns's fixed network; pasta copies the host's addresses and
  // answers DNS on a link-local address of its own.
  if (helper == "slirp4netns" || helper == "slirp")
    return {"10.0.2.100", "10.0.2.2", "10.0.2.3", 24};
  if (helper == "pasta")
    return {"", "", kPastaDns};
  return {};
}

Result<UserNet> UserNet::start(const std::string &helper, pid_t pid, const std::string &rundir) {
  UserNet n;
  n.helper_ = helper;
  n.rundir_ = rundir;
  if (helper == "pasta") {
    TRY_STATUS(attach_pasta(pid, rundir + kPastaPidFile));
    return n;
  }
  auto p = TRY(detail::spawn_slirp4netns(pid, rundir + kSlirpLog));
  n.pid_ = p.pid;
  n.ready_ = std::move(p.ready);
  n.exit_ = std::move(p.exit);
  // For a supervisor that dies before it can stop slirp4netns (which then
  // exits by itself when the exit fd closes, but may still be seen).
  (void)fs::write_file_atomic(rundir + kSlirpPidFile, std::to_string(n.pid_) + "\n", false);
  return n;
}

Result<UserNet> UserNet::start_slirp() {
  auto h = TRY(network::start_slirp());
  UserNet n;
  n.helper_ = "slirp";
  n.pid_ = h.pid;
  n.tap_sock_ = std::move(h.tap);
  n.ready_ = std::move(h.ready);
  n.exit_ = std::move(h.exit);
  return n;
}

void UserNet::give_tap(UniqueFd tap) {
  SlirpHelper h{pid_, std::move(tap_sock_), {}, {}};
  network::give_tap(h, tap.get());
}

Status UserNet::wait_ready() {
  if (!ready_)
    return {};
  if (helper_ == "slirp") {
    SlirpHelper h{pid_, std::move(tap_sock_), std::move(ready_), std::move(exit_)};
    auto s = wait_slirp(h);
    pid_ = h.pid;
    exit_ = std::move(h.exit);
    return s;
  }
  auto s = detail::wait_slirp4netns(pid_, ready_.get(), rundir_ + kSlirpLog);
  ready_.reset();
  if (!s) {
    pid_ = 0;
    exit_.reset();
    ::unlink((rundir_ + kSlirpPidFile).c_str());
  }
  return s;
}

pid_t UserNet::stop() {
  if (helper_ == "pasta")
    return stop_pasta(rundir_ + kPastaPidFile);
  ready_.reset();
  exit_.reset();
  tap_sock_.reset();
  if (pid_ > 0 && helper_ == "slirp4netns")
    ::unlink((rundir_ + kSlirpPidFile).c_str());
  return std::exchange(pid_, 0);
}

void stop_orphaned_user_net(const std::string &rundir) {
  stop_pasta(rundir + kPastaPidFile);
  detail::stop_by_pid_file(rundir + kSlirpPidFile, {"slirp4netns"});
}

} // namespace skiff::network
