// The container's first process, between clone() and execve(). It runs in
// the new namespaces, single-threaded; a failure is written to the error
// pipe as "<exit code> <message>" and ends the child.
#include "init_child.hpp"

#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "mounts.hpp"
#include "skiff/runtime/caps.hpp"
#include "skiff/runtime/seccomp.hpp"
#include "skiff/runtime/user.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::runtime::detail {

namespace {

[[noreturn]] void fail(int errfd, int code, const std::string &msg) {
  std::string line = fmt::format("{} {}", code, msg);
  (void)!::write(errfd, line.data(), line.size());
  ::_exit(code);
}

[[noreturn]] void fail(int errfd, const Error &e) { fail(errfd, e.exit_code, e.message); }

void reset_signals() {
  sigset_t all;
  sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      ::signal(s, SIG_DFL);
}

void loopback_up() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP;
    ::ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  ::close(s);
}

int rlimit_resource(const std::string &name) {
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
  char byte = 'T';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char buf[CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = buf;
  msg.msg_controllen = sizeof buf;
  cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  int mfd = master.get();
  std::memcpy(CMSG_DATA(cm), &mfd, sizeof mfd);
  if (::sendmsg(console, &msg, 0) < 0)
    return sys_error("sending the pty to the supervisor");
  if (::setsid() < 0 || ::ioctl(slave.get(), TIOCSCTTY, 0) < 0)
    return sys_error("making the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (::dup2(slave.get(), fd) < 0)
      return sys_error("wiring the pty");
  return {};
}

// --init: stay as PID 1, reap every zombie and pass signals on to the
// command; exit with its status. No exec, so no binary needs to exist in
// the container's image.
[[noreturn]] void run_as_init(pid_t child) {
  sigset_t all;
  sigfillset(&all);
  for (;;) {
    siginfo_t si;
    int sig = ::sigwaitinfo(&all, &si);
    if (sig < 0)
      continue;
    if (sig != SIGCHLD) {
      ::kill(child, sig);
      continue;
    }
    int st;
    pid_t p;
    while ((p = ::waitpid(-1, &st, WNOHANG)) > 0)
      if (p == child)
        ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
  }
}

} // namespace

void init_child(const LaunchPlan &p, ChildFds fds) {
  int errfd = fds.errors;
  char go;
  if (::read(fds.go, &go, 1) != 1)
    ::_exit(125);  // the parent gave up
  ::close(fds.go);
  reset_signals();
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);

  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0)
    fail(errfd, sys_error("making / a slave mount"));
  if (auto s = mount_root(p); !s)
    fail(errfd, s.error());
  if (auto s = mount_all(p); !s)
    fail(errfd, s.error());
  if (auto s = pivot_into(p.rootfs); !s)
    fail(errfd, s.error());
  mask_paths(p);
  if (p.read_only) {
    if (auto s = remount_readonly("/", 0); !s)
      fail(errfd, s.error());
  }
  if (!p.hostname.empty() && ::sethostname(p.hostname.data(), p.hostname.size()) < 0)
    fail(errfd, sys_error("setting the hostname"));
  if (p.new_netns)
    loopback_up();

  for (const auto &u : p.ulimits) {
    int res = rlimit_resource(u.name);
    rlimit rl{static_cast<rlim_t>(u.soft), static_cast<rlim_t>(u.hard)};
    if (res < 0 || ::setrlimit(res, &rl) < 0)
      fail(errfd, sys_error("setting ulimit {}={}:{} (a limit cannot go above the hard limit "
                            "of the invoking user)",
                            u.name, u.soft, u.hard));
  }

  auto passwd = fs::read_file("/etc/passwd");
  auto group = fs::read_file("/etc/group");
  auto user = resolve_user(p.user, passwd ? *passwd : "", group ? *group : "");
  if (!user)
    fail(errfd, user.error());
  std::vector<std::string> env = p.env;
  if (env_value(env, "HOME").empty())
    env.push_back("HOME=" + user->home);

  if (::chdir(p.cwd.c_str()) < 0) {
    auto made = fs::mkdir_p(p.cwd, 0755);
    if (!made || ::chdir(p.cwd.c_str()) < 0)
      fail(errfd, sys_error("chdir to working directory {}", p.cwd));
  }
  if (p.tty) {
    if (auto s = setup_tty(fds.console, user->uid); !s)
      fail(errfd, s.error());
  }
  if (fds.console >= 0)
    ::close(fds.console);

  auto exe = find_executable(p.argv[0], env);
  if (!exe)
    fail(errfd, exe.error());

  // Without no_new_privs the filter must go in while we still hold
  // CAP_SYS_ADMIN; with it, as late as possible so setup is not filtered.
  if (!p.no_new_privileges && !p.seccomp.empty())
    if (int e = install_seccomp(p.seccomp.data(), p.seccomp.size()); e)
      fail(errfd, 125, fmt::format("loading seccomp filter: {}", std::strerror(e)));
  if (::setgroups(user->groups.size(), user->groups.data()) < 0 && errno != EPERM)
    fail(errfd, sys_error("setting supplementary groups"));
  if (::prctl(PR_SET_KEEPCAPS, 1) < 0 || ::setresgid(user->gid, user->gid, user->gid) < 0 ||
      ::setresuid(user->uid, user->uid, user->uid) < 0)
    fail(errfd, sys_error("switching to user {}:{}", user->uid, user->gid));
  if (int e = apply_caps(p.caps); e)
    fail(errfd, 125, fmt::format("setting capabilities: {}", std::strerror(e)));
  if (p.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    fail(errfd, sys_error("setting no_new_privs"));
  if (p.no_new_privileges && !p.seccomp.empty())
    if (int e = install_seccomp(p.seccomp.data(), p.seccomp.size()); e)
      fail(errfd, 125, fmt::format("loading seccomp filter: {}", std::strerror(e)));

  std::vector<char *> argv, envp;
  for (const auto &a : p.argv)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto &e : env)
    envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);

  if (p.init) {
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    pid_t child = ::fork();
    if (child < 0)
      fail(errfd, sys_error("forking the command under --init"));
    if (child > 0) {
      ::close(errfd);
      ::prctl(PR_SET_NAME, "init");
      run_as_init(child);
    }
    // The terminal stays with init's session; the command becomes its
    // foreground process group so ^C reaches it (SIGTTOU is still blocked).
    if (p.tty) {
      ::setpgid(0, 0);
      ::tcsetpgrp(0, ::getpid());
    }
    reset_signals();
  }
  ::execve(exe->c_str(), argv.data(), envp.data());
  int e = errno;
  if (e == ENOENT)
    fail(errfd, 127, fmt::format("exec: \"{}\": no such file or directory", p.argv[0]));
  fail(errfd, 126,
       fmt::format("exec: \"{}\": {}", p.argv[0], std::strerror(e)));
}

} // namespace skiff::runtime::detail
