#include "monitor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "skiff/network/user_netns.hpp"
#include "skiff/runtime/cgroups.hpp"
#include "skiff/runtime/launch.hpp"
#include "skiff/supervisor/attach_protocol.hpp"
#include "skiff/supervisor/supervisor.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/sys/memory.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::supervisor {

namespace {

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Listens on the attach socket; the path goes through /proc/self/fd so its
// length never hits sockaddr_un's 108-byte limit.
Result<UniqueFd> listen_attach(const std::string &dir) {
  UniqueFd d(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!d)
    return sys_error("opening {}", dir);
  UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  auto path = fmt::format("/proc/self/fd/{}/attach.sock", d.get());
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ::unlink(path.c_str());
  if (::bind(s.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 ||
      ::listen(s.get(), 16) < 0)
    return sys_error("listening on {}/attach.sock", dir);
  return s;
}

// The network helper is our child (pasta daemonises, but the supervisor is
// a subreaper): wait briefly for one we stopped, rather than leave a zombie.
void reap_soon(pid_t pid) {
  for (int i = 0; pid > 0 && i < 200; i++) {
    if (::waitpid(pid, nullptr, WNOHANG) != 0)
      return;
    ::usleep(1000);
  }
}

} // namespace

Monitor::Monitor(const LaunchPlan &plan, ContainerRecords &records, int attach_fd, int status_fd)
    : plan_(plan), records_(records), status_fd_(status_fd) {
  if (attach_fd >= 0)
    clients_.push_back({UniqueFd(attach_fd), {}});
}

void Monitor::report(int code, std::string_view msg) {
  if (status_fd_ < 0)
    return;
  sys::write_report(status_fd_, code, {msg});
  ::close(status_fd_);
  status_fd_ = -1;
}

Result<pid_t> Monitor::start_once(UniqueFd &out, UniqueFd &err, UniqueFd &in) {
  const std::string &helper = plan_.network.helper;
  if (helper == "slirp")  // first: it loads and confines itself meanwhile
    net_ = TRY(network::UserNet::start_slirp());
  if (!plan_.network.endpoints.empty())
    TRY_STATUS(network::load_netlink());  // before the clone: the child configures its ends with it
  // Before the clone: a port in use fails the start before anything runs.
  std::vector<network::Listener> listeners;
  published_.clear();
  if (!plan_.network.ports.empty()) {
    listeners = TRY(network::bind_ports(plan_.network.ports, fmt::format("{} ({})", plan_.name, plan_.id)));
    for (const auto &l : listeners)
      published_.push_back({l.request.port, l.host_ip, l.host_port});
  }
  for (const auto &d : plan_.dirs)
    TRY_STATUS(fs::mkdir_p(d, 0755));
  for (const auto &f : plan_.files)
    TRY_STATUS(fs::write_file_atomic(f.path, f.content, false));

  int o[2], e[2], i[2] = {-1, -1};
  if (::pipe2(o, O_CLOEXEC) < 0 || ::pipe2(e, O_CLOEXEC) < 0)
    return sys_error("creating pipes");
  out.reset(o[0]);
  err.reset(e[0]);
  UniqueFd out_w(o[1]), err_w(e[1]), in_r;
  if (plan_.stdin_pipe) {
    if (::pipe2(i, O_CLOEXEC) < 0)
      return sys_error("creating pipes");
    in_r.reset(i[0]);
    in.reset(i[1]);
  } else {
    in_r.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  }
  auto cgroup = TRY(runtime::Cgroup::create(plan_.cgroup.name, plan_.cgroup.limits));
  auto trees = records_.prepare_run();
  if (!trees) {
    (void)cgroup.destroy();
    return std::move(trees).error();
  }
  const runtime::InitSpec *spec = &plan_.init;
  runtime::InitSpec with_trees;
  if (!trees->empty()) {
    with_trees = plan_.init;
    for (auto &m : with_trees.mounts)
      for (const auto &[source, fd] : *trees)
        if (m.kind == runtime::MountOp::Kind::bind && m.source == source)
          m.tree_fd = fd.get();
    spec = &with_trees;
  }
  auto pending = runtime::clone_init(*spec, in_r.get(), out_w.get(), err_w.get());
  if (!pending) {
    (void)cgroup.destroy();
    return std::move(pending).error();  // run() releases what prepare_run took
  }
  out_w.reset();
  err_w.reset();
  in_r.reset();
  pid_t pid = pending->pid();
  int netns = -1;
  for (const char *ns : {"mnt", "net"})
    if (UniqueFd fd(::open(fmt::format("/proc/{}/ns/{}", pid, ns).c_str(), O_RDONLY | O_CLOEXEC)); fd) {
      if (std::string_view(ns) == "net")
        netns = fd.get();
      held_ns_.push_back(std::move(fd));
    }
  if (auto s = cgroup.add_process(pid); !s)
    return abort_start(pid, std::move(s).error());
  if (!plan_.network.endpoints.empty()) {
    if (netns < 0)
      return abort_start(pid, sys_error("opening the container's network namespace"));
    if (auto s = attach_endpoints(netns); !s)
      return abort_start(pid, std::move(s).error());
  }
  // The helper starts while the child makes its mounts; the child waits
  // for it before it runs the command.
  if (auto s = pending->begin(); !s)
    return abort_start(pid, std::move(s).error());
  if (helper == "slirp") {
    net_.give_tap(pending->take_tap());
  } else if (!helper.empty()) {
    auto net = network::UserNet::start(helper, pid, plan_.run_dir);
    if (!net)
      return abort_start(pid, std::move(net).error());
    net_ = std::move(*net);
  }
  if (auto s = net_.wait_ready(); !s)
    return abort_start(pid, std::move(s).error());
  // The network is up: the forwarder takes the listeners into the
  // container's namespace (ours close as they go out of scope).
  if (!listeners.empty()) {
    auto fwd = network::PortForwarder::start(std::move(listeners), netns, plan_.name);
    if (!fwd)
      return abort_start(pid, std::move(fwd).error());
    ports_ = std::move(*fwd);
  }
  // Only now: the child's setup opened the host's /dev/net/tun or
  // /dev/fuse above; its command runs under the rules from its first step.
  if (auto s = cgroup.allow_devices(plan_.cgroup.device_rules); !s)
    return abort_start(pid, std::move(s).error());
  if (auto s = pending->release(&pty_); !s) {
    // The child has exited (it reported why).
    reap_soon(ports_.stop());
    reap_soon(net_.stop());
    records_.tear_down(false);
    return std::move(s).error();
  }
  if (pty_)
    out.reset();  // with a tty all output comes through the pty
  return pid;
}

// The veth pairs, from the bridges' namespace: the host's, or rootless the
// user's (entered by a child).
Status Monitor::attach_endpoints(int container_netns) {
  auto attach = [&]() -> Status {
    for (const auto &e : plan_.network.endpoints)
      TRY_STATUS(network::attach_endpoint(e, container_netns));
    return {};
  };
  if (plan_.network.user_netns_dir.empty())
    return attach();
  auto user_netns = TRY(network::UserNetns::acquire(plan_.network.user_netns_dir));
  return network::in_netns(user_netns.fd(), attach);
}

Error Monitor::abort_start(pid_t pid, Error why) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  reap_soon(ports_.stop());
  reap_soon(net_.stop());
  records_.tear_down(false);
  return why;
}

void Monitor::emit(int stream, std::string_view data) {
  if (log_.enabled()) {
    const char *name = stream == 1 ? "stdout" : "stderr";
    int64_t now = timefmt::now_ns();
    auto to_log = [&](std::string_view line) { log_.add(line, name, now); };
    (stream == 1 ? split_out_ : split_err_).feed(data, to_log);
  }
  std::string frame = encode_frame(stream == 1 ? Frame::stdout_data : Frame::stderr_data, data);
  for (auto &c : clients_)
    if (c.fd)
      write_all(c.fd.get(), frame);
}

void Monitor::handle_client_input(Client &c, int stdin_fd, bool &stdin_closed) {
  while (auto f = decode_frame(c.in)) {
    switch (f->type) {
    case Frame::stdin_data:
      if (!stdin_closed && stdin_fd >= 0)
        write_all(stdin_fd, f->payload);
      break;
    case Frame::stdin_eof:
      stdin_closed = true;
      break;
    case Frame::resize:
      if (pty_) {
        auto rc = str::cut(f->payload, ' ');
        if (rc) {
          winsize ws{};
          ws.ws_row = static_cast<unsigned short>(str::to_int(rc->first).value_or(24));
          ws.ws_col = static_cast<unsigned short>(str::to_int(rc->second).value_or(80));
          ::ioctl(pty_.get(), TIOCSWINSZ, &ws);
        }
      }
      break;
    default:
      break;
    }
  }
}

int Monitor::pump(pid_t pid, UniqueFd out, UniqueFd err, UniqueFd in) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  UniqueFd sigfd(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  int out_fd = pty_ ? pty_.get() : out.get();
  bool stdin_closed = false;
  int exit_code = -1;
  std::vector<pollfd> fds;
  char buf[65536];
  // Pages the CLI touched before the fork are dropped once the container
  // has run a while: a short-lived one (run --rm) answers sooner without
  // the work, and a long-lived one keeps only what this loop uses.
  auto shed_at = std::chrono::steady_clock::now() + kShedAfter;
  for (;;) {
    int timeout = -1;
    if (exit_code >= 0)
      timeout = 0;
    else if (!shed_)
      timeout = static_cast<int>(std::max<int64_t>(
          0, std::chrono::ceil<std::chrono::milliseconds>(shed_at - std::chrono::steady_clock::now())
                 .count()));
    // (The clock is not read, nor the writer's code touched, while idle:
    // pages an idle supervisor touches stay resident.)
    if (int due = log_.pending() ? log_.due_in_ms(timefmt::now_ns()) : -1;
        due >= 0 && (timeout < 0 || due < timeout))
      timeout = due;
    fds.clear();
    fds.push_back({sigfd.get(), POLLIN, 0});
    fds.push_back({out_fd, POLLIN, 0});
    fds.push_back({err.get(), POLLIN, 0});
    fds.push_back({listener_.get(), POLLIN, 0});
    for (auto &c : clients_)
      fds.push_back({c.fd.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR)
      break;
    if (!shed_ && std::chrono::steady_clock::now() >= shed_at) {
      sys::shed_inherited_pages();
      shed_ = true;
    }
    bool got_output = false;
    for (int idx : {1, 2}) {
      if (fds[static_cast<size_t>(idx)].fd < 0 || !(fds[static_cast<size_t>(idx)].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      ssize_t n = ::read(fds[static_cast<size_t>(idx)].fd, buf, sizeof buf);
      if (n > 0) {
        emit(idx == 1 ? 1 : 2, std::string_view(buf, static_cast<size_t>(n)));
        got_output = true;
      } else if (n == 0 || errno != EINTR) {
        // EOF (or EIO on a pty whose last slave closed).
        if (idx == 1)
          out_fd = -1;
        else
          err.reset();
      }
    }
    if (fds[3].revents & POLLIN) {
      UniqueFd c(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (c)
        clients_.push_back({std::move(c), {}});
    }
    for (size_t k = 4; k < fds.size(); k++) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      auto &c = clients_[k - 4];
      ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
      if (n <= 0) {
        c.fd.reset();
        continue;
      }
      c.in.append(buf, static_cast<size_t>(n));
      int stdin_fd = pty_ ? pty_.get() : in.get();
      handle_client_input(c, stdin_fd, stdin_closed);
      if (stdin_closed && in)
        in.reset();
    }
    std::erase_if(clients_, [](const Client &c) { return !c.fd; });
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (::read(sigfd.get(), &si, sizeof si) == sizeof si) {
      }
      int st;
      pid_t r;
      while ((r = ::waitpid(-1, &st, WNOHANG)) > 0)
        if (r == pid)
          exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    if (log_.pending())
      log_.flush_if_due(timefmt::now_ns());
    // Once the command has exited, keep reading only while output flows.
    if (exit_code >= 0 && (!got_output || (out_fd < 0 && !err)))
      break;
  }
  int64_t now = timefmt::now_ns();
  split_out_.flush([&](std::string_view line) { log_.add(line, "stdout", now); });
  split_err_.flush([&](std::string_view line) { log_.add(line, "stderr", now); });
  log_.flush();
  pty_.reset();
  return exit_code;
}

bool Monitor::should_restart(int exit_code, int64_t ran_ns, int &backoff_ms) {
  if (plan_.exit.auto_remove)
    return false;
  auto st = records_.state();
  if (!st || records_.stop_requested() || records_.removed())
    return false;
  const auto &p = plan_.exit.restart;
  bool yes = p.name == "always" || p.name == "unless-stopped" ||
             (p.name == "on-failure" && exit_code != 0 &&
              (p.max_retries == 0 || st->restart_count < p.max_retries));
  if (!yes)
    return false;
  // Docker's backoff: 100 ms doubling per restart, reset after 10 s of
  // uptime, at most a minute.
  backoff_ms = ran_ns >= 10'000'000'000LL ? 100 : std::min(backoff_ms * 2, 60'000);
  return true;
}

void Monitor::finish(int exit_code) {
  if (plan_.exit.auto_remove)
    removing_ = records_.forget();  // not if an rm began first: then the removal is its own
  std::string frame = encode_frame(Frame::exit, std::to_string(exit_code));
  for (auto &c : clients_)
    write_all(c.fd.get(), frame);
  clients_.clear();
}

void Monitor::clean_up(pid_t net_helper) {
  held_ns_.clear();
  reap_soon(net_helper);
  if (removing_)
    records_.tear_down(true);
}

int Monitor::run() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGUSR1);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  (void)fs::mkdir_p(plan_.run_dir, 0700);
  if (auto l = listen_attach(plan_.run_dir))
    listener_ = std::move(*l);
  // Each record needs free space; one that cannot be written fails the
  // start rather than leave a container running that the state does not
  // show (a full disk says so).
  if (auto rec = records_.record([&](storage::ContainerState &s) {
        s.supervisor_pid = ::getpid();
        s.supervisor_start = sys::process_start_time(::getpid());
      });
      !rec) {
    report(kExitRuntime, "recording the container's start: " + rec.error().message);
    return 1;
  }
  records_.clear_stop_request();
  int backoff_ms = 50;
  int exit_code = 0;
  int64_t started = 0, finished = 0;
  pid_t net_helper = 0;
  bool restarted = false;
  for (;;) {
    UniqueFd out, err, in;
    auto pid = start_once(out, err, in);
    if (!pid) {
      int code = pid.error().exit_code;
      record_failed_start(records_, pid.error(), started);
      report(code, pid.error().message);
      finish(code);
      clean_up(net_.stop());
      if (!removing_)
        records_.tear_down(false);  // what the failed start took
      return 1;
    }
    if (!log_.enabled() && !plan_.log_path.empty())
      log_ = LogWriter(UniqueFd(::open(plan_.log_path.c_str(),
                                       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)));
    started = timefmt::now_ns();
    if (auto rec = records_.record([&](storage::ContainerState &s) {
          s.status = storage::RunStatus::running;
          s.pid = *pid;
          s.pid_start = sys::process_start_time(*pid);
          s.started_at = started;
          s.exit_code = 0;  // Docker's State.ExitCode of a running container
          s.error.clear();
          s.oom_killed = false;
          s.ports = published_;
        });
        !rec) {
      ::kill(*pid, SIGKILL);
      ::waitpid(*pid, nullptr, 0);
      held_ns_.clear();
      records_.tear_down(false);
      report(kExitRuntime, "recording the container's start: " + rec.error().message);
      finish(kExitRuntime);
      reap_soon(ports_.stop());
      clean_up(net_.stop());
      return 1;
    }
    report(0, std::to_string(*pid));
    if (restarted && records_.stop_requested())
      ::kill(*pid, SIGKILL);  // a stop raced with this restart
    exit_code = pump(*pid, std::move(out), std::move(err), std::move(in));
    reap_soon(ports_.stop());  // the ports are free before the exit is recorded
    net_helper = net_.stop();  // it winds down while we record the exit
    finished = timefmt::now_ns();
    bool again = should_restart(exit_code, finished - started, backoff_ms);
    // An --rm container is forgotten in finish() instead, and its cgroup
    // removed after the answer (clean_up). Any other may be started again
    // as soon as its exit is recorded: its old mounts go first, so the new
    // overlay never shares the upper directory with a lingering one.
    if (!plan_.exit.auto_remove) {
      held_ns_.clear();
      bool oom = runtime::Cgroup::oom_kills(plan_.cgroup.name) > 0;
      bool keep = again && !records_.stop_requested();
      records_.tear_down(false, keep);
      again = again && !records_.stop_requested();  // a stop that came meanwhile wins
      if (keep && !again)
        records_.tear_down(false);  // its addresses too, then
      if (!records_.record([&](storage::ContainerState &s) {
            s.status = again ? storage::RunStatus::restarting : storage::RunStatus::exited;
            s.exit_code = exit_code;
            s.oom_killed = oom;
            s.pid = 0;
            s.finished_at = finished;
            s.ports.clear();
          })) {
        // A full disk: the exit is recorded all the same, and a restart,
        // which could not be, is not tried.
        again = false;
        (void)records_.record_exit({exit_code, finished, started});
      }
    }
    if (!again)
      break;
    clean_up(std::exchange(net_helper, 0));
    // stop/kill/rm wake the backoff early with SIGUSR1.
    sigset_t wake;
    sigemptyset(&wake);
    sigaddset(&wake, SIGUSR1);
    timespec delay{backoff_ms / 1000, (backoff_ms % 1000) * 1'000'000L};
    ::sigtimedwait(&wake, nullptr, &delay);
    if (records_.stop_requested() || records_.removed()) {
      if (!records_.record([](storage::ContainerState &s) { s.status = storage::RunStatus::exited; }))
        (void)records_.record_exit({exit_code, finished, started});
      break;
    }
    (void)records_.record([](storage::ContainerState &s) { s.restart_count++; });
    restarted = true;
  }
  finish(exit_code);
  clean_up(net_helper);
  return 0;
}

} // namespace skiff::supervisor
