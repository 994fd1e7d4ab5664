#include "skiff/supervisor/supervisor.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>

#include "monitor.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/sys/proctitle.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::supervisor {

std::string attach_socket_path(const storage::Store &store, const std::string &id) {
  return store.container_run_dir(id) + "/attach.sock";
}

// Points stdio at /dev/null and closes every inherited fd but `keep`, so
// the supervisor holds no terminal and no pipe of the CLI's.
static void detach_fds(std::initializer_list<int> keep) {
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3; fd++)
    ::dup2(null, fd);
  for (const auto &e : fs::list_dir("/proc/self/fd").value_or({})) {
    int fd = static_cast<int>(str::to_int(e).value_or(-1));
    if (fd > 2 && std::find(keep.begin(), keep.end(), fd) == keep.end())
      ::close(fd);
  }
}

void record_failed_start(ContainerRecords &records, const Error &why, int64_t started) {
  int recorded = why.exit_code == kExitRuntime ? 128 : why.exit_code;
  int64_t now = timefmt::now_ns();
  if (!records.record([&](storage::ContainerState &s) {
        s.status = storage::RunStatus::exited;
        s.exit_code = recorded;
        s.error = why.message;
        s.pid = 0;
        s.finished_at = now;
      }))
    (void)records.record_exit({recorded, now, started});  // ends a restart
}

Result<pid_t> start(const LaunchPlan &plan, ContainerRecords &records, int attach_fd) {
  int status[2];
  if (::pipe2(status, O_CLOEXEC) < 0)
    return sys_error("creating a pipe");
  // One fork: the supervisor is the CLI's child only until the CLI exits
  // (soon, and it never waits for it), then init's or the nearest
  // subreaper's. A second fork would cost another copy of the CLI's pages.
  pid_t pid = ::fork();
  if (pid < 0)
    return sys_error("forking the supervisor");
  if (pid == 0) {
    ::close(status[0]);
    ::setsid();
    detach_fds({status[1], attach_fd});
    ::prctl(PR_SET_NAME, "skiff-supervise");
    sys::set_proc_title("skiff-supervise " + plan.name);
    Monitor m(plan, records, attach_fd, status[1]);
    ::_exit(m.run());
  }
  ::close(status[1]);
  std::string msg;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(status[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      msg.append(buf, static_cast<size_t>(n));
  ::close(status[0]);
  auto parts = str::cut(msg, ' ');
  if (parts && parts->first == "ok")
    return static_cast<pid_t>(str::to_int(parts->second).value_or(0));
  Error e{Errc::failed, "the container's supervisor exited before starting it", kExitRuntime};
  if (parts && parts->first == "err") {
    if (auto c = str::cut(parts->second, ' ')) {
      e.exit_code = static_cast<int>(str::to_int(c->first).value_or(kExitRuntime));
      e.message = c->second;
    }
  }
  return e;
}

} // namespace skiff::supervisor
