#include "skiff/network/user_netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "skiff/network/rtnl.hpp"
#include "skiff/network/slirp.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/sys/proctitle.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::network {

namespace {

constexpr int kIdleCheckSeconds = 30;

// A container attached here has a veth end in this namespace; /proc/self/net
// is the calling process's namespace's (unlike /sys, mounted for the host's).
bool has_veths() {
  auto dev = fs::read_file("/proc/self/net/dev");
  if (!dev)
    return true;  // cannot tell: stay
  for (const auto &line : str::split(*dev, '\n'))
    if (str::trim(line).rfind("veth", 0) == 0)
      return true;
  return false;
}

// The holder's life after it reported ready: it keeps the namespace (and
// its libslirp helper, its child) until it has been idle twice and no
// command is using it.
[[noreturn]] void hold(const std::string &dir) {
  int idle = 0;
  for (;;) {
    ::sleep(kIdleCheckSeconds);
    if (!fs::exists(dir))
      ::_exit(0);  // its store's runtime directory is gone, and with it every user
    idle = has_veths() ? 0 : idle + 1;
    if (idle < 2)
      continue;
    auto lock = FileLock::try_acquire(dir + "/netns.lock");
    if (lock && *lock) {
      auto ref = sys::parse_process_ref(fs::read_file(dir + "/netns.pid").value_or(""));
      if (ref && ref->pid == ::getpid())
        ::unlink((dir + "/netns.pid").c_str());
      ::_exit(0);
    }
  }
}

// In the holder, a grandchild of the command: a new network namespace with
// lo, tap0 served by libslirp, forwarding on; "ok" once it serves.
[[noreturn]] void start_holder(const sys::ChildChannel &ch, const std::string &dir) {
  ::setsid();
  pid_t pid = ::fork();
  if (pid < 0)
    sys::child_fail_errno(ch, "forking the network namespace's holder");
  if (pid > 0)
    ::_exit(0);
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3; fd++)
    ::dup2(null, fd);
  sys::close_fds_except(3, {ch.errors});
  sys::reset_signals();
  ::prctl(PR_SET_NAME, "skiff-netns");
  sys::set_proc_title("skiff-netns");
  auto fail = [&](const Error &e) { sys::child_fail(ch, Error(e).wrap("setting up the user's network namespace")); };
  // libslirp's helper first, so that it stays in the host's namespace,
  // where its sockets reach the outside.
  auto slirp = start_slirp();
  if (!slirp)
    fail(slirp.error());
  if (::unshare(CLONE_NEWNET) < 0)
    sys::child_fail_errno(ch, "creating the user's network namespace");
  auto nl = Rtnl::open();
  if (!nl)
    fail(nl.error());
  if (auto s = nl->set_up("lo"); !s)
    fail(s.error());
  auto tap = create_tap(slirp_tap_config());
  if (!tap)
    fail(tap.error());
  give_tap(*slirp, tap->get());
  if (auto s = wait_slirp(*slirp); !s)
    fail(s.error());
  if (auto s = fs::write_file("/proc/sys/net/ipv4/ip_forward", "1\n"); !s)
    fail(s.error());
  auto me = sys::this_process();
  if (auto s = fs::write_file_atomic(dir + "/netns.pid", sys::format_process_ref(me), false); !s)
    fail(s.error());
  sys::report_value(ch.errors, "ok");
  ::close(ch.errors);
  hold(dir);
}

Result<UniqueFd> open_netns(pid_t pid) {
  UniqueFd fd(::open(fmt::format("/proc/{}/ns/net", pid).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    return sys_error("opening the user's network namespace");
  return fd;
}

} // namespace

Result<UserNetns> UserNetns::acquire(const std::string &dir) {
  auto n = TRY(open(dir, true));
  if (!n)
    return make_error(Errc::failed, "the user's network namespace could not be started");
  return std::move(*n);
}

Result<std::optional<UserNetns>> UserNetns::find(const std::string &dir) { return open(dir, false); }

Result<std::optional<UserNetns>> UserNetns::open(const std::string &dir, bool start) {
  TRY_STATUS(fs::mkdir_p(dir, 0700));
  auto starting = TRY(FileLock::acquire(dir + "/netns.start.lock"));
  auto use = TRY(FileLock::acquire(dir + "/netns.lock", FileLock::Mode::shared));
  auto ref = sys::parse_process_ref(fs::read_file(dir + "/netns.pid").value_or(""));
  if (ref && sys::process_alive(ref->pid, ref->start))
    if (auto fd = open_netns(ref->pid))
      return std::optional<UserNetns>(UserNetns(std::move(use), std::move(*fd)));
  if (!start)
    return std::optional<UserNetns>();
  TRY_STATUS(load_netlink());
  auto child = TRY(sys::spawn({.what = "starting the network namespace's holder"},
                              [&](const sys::ChildChannel &ch) { start_holder(ch, dir); }));
  auto ok = child.read_report();
  child.wait();
  if (!ok)
    return std::move(ok).error();
  ref = sys::parse_process_ref(fs::read_file(dir + "/netns.pid").value_or(""));
  if (!ref)
    return make_error(Errc::failed, "the user's network namespace's holder left no record in {}", dir);
  return std::optional<UserNetns>(UserNetns(std::move(use), TRY(open_netns(ref->pid))));
}

Status in_netns(int netns_fd, const std::function<Status()> &body) {
  auto child = TRY(sys::spawn({.what = "entering the user's network namespace"}, [&](const sys::ChildChannel &ch) {
    if (::setns(netns_fd, CLONE_NEWNET) < 0)
      sys::child_fail_errno(ch, "entering the user's network namespace");
    if (auto s = body(); !s)
      sys::child_fail(ch, s.error());
  }));
  auto err = child.read_error();
  child.wait();
  if (err)
    return *err;
  return {};
}

} // namespace skiff::network
