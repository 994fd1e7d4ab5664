#include "skiff/runtime/userns_holder.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>

#include <fmt/format.h>

#include "skiff/runtime/idmap.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/sys/proctitle.hpp"
#include "skiff/sys/run_program.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/lock.hpp"

namespace skiff::runtime {

namespace {

// How often an idle holder looks for processes in its namespace.
constexpr int kIdleCheckSeconds = 30;

struct Maps {
  std::vector<IdMapping> uids, gids;
};

Result<std::vector<IdRange>> ranges_for(const char *file, const std::string &user, uid_t uid) {
  auto content = fs::read_file(file);
  auto ranges = parse_subid(content ? *content : "", user, uid);
  if (ranges.empty())
    return make_error(Errc::failed,
                      "no subordinate ID range for user \"{}\" in {}: add a line such as "
                      "\"{}:100000:65536\" (e.g. usermod --add-subuids 100000-165535 "
                      "--add-subgids 100000-165535 {})",
                      user, file, user, user);
  return ranges;
}

std::vector<std::string> map_argv(const char *tool, pid_t pid, const std::vector<IdMapping> &maps) {
  std::vector<std::string> a{tool, std::to_string(pid)};
  for (const auto &m : maps) {
    a.push_back(std::to_string(m.inside));
    a.push_back(std::to_string(m.outside));
    a.push_back(std::to_string(m.count));
  }
  return a;
}

Result<detail::Holder> holder_paths() {
  std::string dir = user_runtime_dir();
  // Where it cannot be made (a full disk), the lock and record below fail
  // and the command goes on with a holder no later command finds.
  (void)fs::mkdir_p(dir, 0700);
  // Under /tmp another user could have made it first.
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0 && (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid()))
    return make_error(Errc::failed, "{} is not a directory of yours: remove it or set XDG_RUNTIME_DIR", dir);
  return detail::Holder{dir + "/userns.pid", dir + "/userns.lock"};
}

bool maps_match(pid_t pid, const Maps &want) {
  auto uids = fs::read_file(fmt::format("/proc/{}/uid_map", pid));
  auto gids = fs::read_file(fmt::format("/proc/{}/gid_map", pid));
  return uids && gids && parse_id_map(*uids) == want.uids && parse_id_map(*gids) == want.gids;
}

// Joins the namespace the record names, if its holder still runs with the
// maps wanted now. False: there is none to join.
Result<bool> join_recorded(const detail::Holder &h, const Maps &want) {
  auto text = fs::read_file(h.record);
  auto ref = text ? sys::parse_process_ref(*text) : std::nullopt;
  if (!ref || !maps_match(ref->pid, want))
    return false;
  auto joined = sys::join_user_namespace(ref->pid, ref->start);
  if (!joined && joined.error().code == Errc::not_found)
    return false;
  TRY_STATUS(std::move(joined));
  return true;
}

} // namespace

namespace detail {

[[noreturn]] void hold(const Holder &h, int check_seconds) {
  int idle = 0;
  for (;;) {
    timespec t{check_seconds, 0};
    while (::nanosleep(&t, &t) < 0 && errno == EINTR) {
    }
    if (sys::user_namespace_shared()) {
      idle = 0;
      continue;
    }
    if (++idle < 2)
      continue;
    // Under the lock, so that no command is making a new record meanwhile;
    // a command that opened the namespace already joins it all the same.
    auto lock = FileLock::acquire(h.lock);
    if (sys::user_namespace_shared()) {
      idle = 0;
      continue;
    }
    auto text = fs::read_file(h.record);
    auto ref = text ? sys::parse_process_ref(*text) : std::nullopt;
    if (ref && ref->pid == ::getpid())
      (void)::unlink(h.record.c_str());
    ::_exit(0);
  }
}

} // namespace detail

namespace {

// A new holder, in a new namespace whose maps newuidmap and newgidmap
// write; recorded, then joined. Called under the record's lock.
Status make_holder(const detail::Holder &h, const Maps &want, const std::string &user) {
  int verdict[2];
  if (::pipe2(verdict, O_CLOEXEC) < 0)
    return sys_error("creating a pipe");
  UniqueFd wait_end(verdict[0]), verdict_end(verdict[1]);
  // Not sharing this process's memory: the holder outlives it.
  // A mount namespace of its own too, for the mounts of volumes that
  // containers share (holder_mount_namespace).
  sys::SpawnOptions opts{.namespaces = CLONE_NEWUSER | CLONE_NEWNS,
                         .what = "creating a user namespace (are unprivileged user namespaces enabled?)"};
  auto child = TRY(sys::spawn(opts, [&](const sys::ChildChannel &) {
    ::setsid();
    if (::chdir("/") < 0)
      ::_exit(1);
    // Nothing of the command's is kept open: not its output (a caller
    // waiting for end of file on it would wait a minute), not its locks.
    int w = wait_end.get();
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(null, 1) < 0 || ::dup2(null, 2) < 0)
      ::_exit(1);
    sys::close_fds_except(3, {w});
    sys::reset_signals();
    ::prctl(PR_SET_NAME, "skiff-userns");
    sys::set_proc_title("skiff-userns");
    // Kept only once its maps are written and recorded; if the command
    // fails or dies first, end of file here ends the holder.
    char c = 0;
    while (::read(w, &c, 1) < 0 && errno == EINTR) {
    }
    if (c != 'k')
      ::_exit(0);
    ::close(w);
    detail::hold(h, kIdleCheckSeconds);
  }));
  pid_t pid = child.pid();
  wait_end.reset();
  auto uidmap = sys::start_program(map_argv("newuidmap", pid, want.uids), "");
  auto gidmap = sys::start_program(map_argv("newgidmap", pid, want.gids), "");
  bool uid_ok = uidmap && uidmap->wait().status == 0;
  bool gid_ok = gidmap && gidmap->wait().status == 0;
  auto give_up = [&] {
    verdict_end.reset();
    child.wait();
  };
  if (!uid_ok || !gid_ok) {
    give_up();
    return make_error(Errc::failed,
                      "{} failed to set the user namespace ID map (is package uidmap installed, "
                      "and do the ranges in /etc/subuid and /etc/subgid belong to \"{}\"?)",
                      uid_ok ? "newgidmap" : "newuidmap", user);
  }
  uint64_t start = sys::process_start_time(pid);
  auto joined = sys::join_user_namespace(pid, start);
  if (!joined) {
    give_up();
    return joined;
  }
  // After joining, so a record never names a holder not yet usable. Kept
  // even if the record cannot be written: this command still runs.
  (void)fs::write_file_atomic(h.record, sys::format_process_ref({pid, start}), false, 0600);
  (void)!::write(verdict_end.get(), "k", 1);
  return {};
}

} // namespace

std::string user_runtime_dir() {
  const char *xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg && *xdg == '/' && ::access(xdg, W_OK) == 0)
    return std::string(xdg) + "/skiff";
  return fmt::format("/tmp/skiff-{}", ::getuid());
}

Result<UniqueFd> holder_mount_namespace() {
  auto none = [] {
    return make_error(Errc::not_found, "no skiff-userns holds a mount namespace for this user's volumes");
  };
  auto text = fs::read_file(user_runtime_dir() + "/userns.pid");
  if (!text)
    return none();
  auto ref = sys::parse_process_ref(*text);
  if (!ref)
    return none();
  UniqueFd ns(::open(fmt::format("/proc/{}/ns/mnt", ref->pid).c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns || !sys::process_alive(ref->pid, ref->start))
    return none();
  auto same = [&](const char *kind) {
    struct stat a {}, b {};
    return ::stat(fmt::format("/proc/{}/ns/{}", ref->pid, kind).c_str(), &a) == 0 &&
           ::stat(fmt::format("/proc/self/ns/{}", kind).c_str(), &b) == 0 && a.st_ino == b.st_ino &&
           a.st_dev == b.st_dev;
  };
  if (!same("user") || same("mnt"))
    return none();
  return ns;
}

Status enter_rootless_userns() {
  uid_t uid = ::getuid();
  gid_t gid = ::getgid();
  std::string user;
  if (passwd *pw = ::getpwuid(uid))
    user = pw->pw_name;
  else
    user = std::to_string(uid);
  Maps want{rootless_map(uid, TRY(ranges_for("/etc/subuid", user, uid))),
            rootless_map(gid, TRY(ranges_for("/etc/subgid", user, uid)))};
  auto h = TRY(holder_paths());
  if (!TRY(join_recorded(h, want))) {
    // Another command may have made one while this one waited.
    auto lock = FileLock::acquire(h.lock);
    if (!lock || !TRY(join_recorded(h, want)))
      TRY_STATUS(make_holder(h, want, user));
  }
  if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0)
    return sys_error("becoming root in the user namespace");
  return {};
}

} // namespace skiff::runtime
