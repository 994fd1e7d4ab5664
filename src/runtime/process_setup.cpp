#include "process_setup.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "skiff/runtime/caps.hpp"
#include "skiff/runtime/seccomp.hpp"
#include "skiff/sys/fd_passing.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime::detail {

std::string env_value(const std::vector<std::string> &env, const std::string &key) {
  for (const auto &e : env)
    if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=')
      return e.substr(key.size() + 1);
  return {};
}

// Finds argv[0] as execvp would, with the container's PATH; errors are
// Docker's words and exit codes.
Result<std::string> find_executable(const std::string &cmd, const std::vector<std::string> &env) {
  auto denied = [&] {
    return Error{Errc::failed, fmt::format("exec: \"{}\": permission denied", cmd), 126};
  };
  if (cmd.find('/') != std::string::npos) {
    struct stat st;
    if (::stat(cmd.c_str(), &st) < 0)
      return Error{Errc::not_found,
                   fmt::format("exec: \"{}\": stat {}: no such file or directory", cmd, cmd), 127};
    if (S_ISDIR(st.st_mode) || ::access(cmd.c_str(), X_OK) < 0)
      return denied();
    return cmd;
  }
  std::string path = env_value(env, "PATH");
  if (path.empty())
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  bool saw_denied = false;
  for (const auto &dir : str::split(path, ':')) {
    std::string cand = (dir.empty() ? "." : dir) + "/" + cmd;
    struct stat st;
    if (::stat(cand.c_str(), &st) < 0 || S_ISDIR(st.st_mode))
      continue;
    if (::access(cand.c_str(), X_OK) == 0)
      return cand;
    saw_denied = true;
  }
  if (saw_denied)
    return denied();
  return Error{Errc::not_found,
               fmt::format("exec: \"{}\": executable file not found in $PATH", cmd), 127};
}

// Opens a pty in the container's own devpts, makes its slave the
// controlling terminal and stdio, and hands the master to the supervisor.
Status setup_tty(int console, uid_t uid) {
  UniqueFd master(::open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master)
    return sys_error("opening /dev/pts/ptmx");
  int unlock = 0, n = 0;
  if (::ioctl(master.get(), TIOCSPTLCK, &unlock) < 0 || ::ioctl(master.get(), TIOCGPTN, &n) < 0)
    return sys_error("unlocking the pty");
  std::string slave_path = fmt::format("/dev/pts/{}", n);
  UniqueFd slave(::open(slave_path.c_str(), O_RDWR | O_NOCTTY));
  if (!slave)
    return sys_error("opening {}", slave_path);
  (void)!::fchown(slave.get(), uid, static_cast<gid_t>(-1));
  if (int e = sys::send_fd(console, master.get()); e) {
    errno = e;
    return sys_error("sending the pty to the supervisor");
  }
  if (::setsid() < 0 || ::ioctl(slave.get(), TIOCSCTTY, 0) < 0)
    return sys_error("making the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (::dup2(slave.get(), fd) < 0)
      return sys_error("wiring the pty");
  return {};
}

Result<ExecUser> container_user(const std::string &spec, const std::vector<std::string> &group_add,
                                std::vector<std::string> &env) {
  auto passwd = fs::read_file("/etc/passwd");
  auto group = fs::read_file("/etc/group");
  auto user = TRY(resolve_user(spec, passwd ? *passwd : "", group ? *group : "", group_add));
  if (env_value(env, "HOME").empty())
    env.push_back("HOME=" + user.home);
  return user;
}

static int rlimit_resource(const std::string &name) {
  static const std::pair<const char *, int> table[] = {
      {"core", RLIMIT_CORE},       {"cpu", RLIMIT_CPU},         {"data", RLIMIT_DATA},
      {"fsize", RLIMIT_FSIZE},     {"locks", RLIMIT_LOCKS},     {"memlock", RLIMIT_MEMLOCK},
      {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},     {"nofile", RLIMIT_NOFILE},
      {"nproc", RLIMIT_NPROC},     {"rss", RLIMIT_RSS},         {"rtprio", RLIMIT_RTPRIO},
      {"rttime", RLIMIT_RTTIME},   {"sigpending", RLIMIT_SIGPENDING}, {"stack", RLIMIT_STACK},
      {"as", RLIMIT_AS}};
  for (auto [n, r] : table)
    if (name == n)
      return r;
  return -1;
}

Status apply_rlimits(const std::vector<storage::Ulimit> &ulimits, sys::MountOps &ops) {
  if (rlimit nofile; ops.getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    ops.setrlimit(RLIMIT_NOFILE, nofile);
  }
  for (const auto &u : ulimits) {
    int res = rlimit_resource(u.name);
    rlimit rl{static_cast<rlim_t>(u.soft), static_cast<rlim_t>(u.hard)};
    if (res < 0 || ops.setrlimit(res, rl) < 0)
      return sys_error("setting ulimit {}={}:{} (a limit cannot go above the hard limit of the "
                       "invoking user)",
                       u.name, u.soft, u.hard);
  }
  return {};
}

Status drop_privileges(const ExecUser &user, const std::vector<int> &caps,
                       const std::vector<sock_filter> &seccomp, bool nnp) {
  // Without no_new_privs the filter must go in while we still hold
  // CAP_SYS_ADMIN; with it, as late as possible so setup is not filtered.
  if (!nnp && !seccomp.empty())
    if (int e = install_seccomp(seccomp.data(), seccomp.size()); e)
      return make_error(Errc::failed, "loading seccomp filter: {}", std::strerror(e));
  if (int e = drop_bounding(caps); e)
    return make_error(Errc::failed, "dropping capabilities: {}", std::strerror(e));
  if (::setgroups(user.groups.size(), user.groups.data()) < 0 && errno != EPERM)
    return sys_error("setting supplementary groups");
  if (::prctl(PR_SET_KEEPCAPS, 1) < 0 || ::setresgid(user.gid, user.gid, user.gid) < 0 ||
      ::setresuid(user.uid, user.uid, user.uid) < 0)
    return sys_error("switching to user {}:{}", user.uid, user.gid);
  ::prctl(PR_SET_KEEPCAPS, 0);
  if (int e = set_caps(caps); e)
    return make_error(Errc::failed, "setting capabilities: {}", std::strerror(e));
  if (nnp && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sys_error("setting no_new_privs");
  if (nnp && !seccomp.empty())
    if (int e = install_seccomp(seccomp.data(), seccomp.size()); e)
      return make_error(Errc::failed, "loading seccomp filter: {}", std::strerror(e));
  return {};
}

void exec_or_fail(const sys::ChildChannel &ch, const std::string &path, const std::vector<std::string> &args,
                  const std::vector<std::string> &env) {
  std::vector<char *> argv, envp;
  for (const auto &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto &e : env)
    envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(path.c_str(), argv.data(), envp.data());
  int e = errno;
  if (e == ENOENT)
    sys::child_fail(ch, 127, fmt::format("exec: \"{}\": no such file or directory", args[0]));
  sys::child_fail(ch, 126, fmt::format("exec: \"{}\": {}", args[0], std::strerror(e)));
}

} // namespace skiff::runtime::detail
