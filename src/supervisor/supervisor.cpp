#include "skiff/supervisor/supervisor.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "monitor.hpp"
#include "skiff/sys/child.hpp"
#include "skiff/sys/proctitle.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::supervisor {

std::string attach_socket_path(const storage::Store &store, const std::string &id) {
  return store.container_run_dir(id) + "/attach.sock";
}

void record_failed_start(ContainerRecords &records, const Error &why, int64_t started) {
  int recorded = why.exit_code == kExitRuntime ? 128 : why.exit_code;
  int64_t now = timefmt::now_ns();
  // moby's containerStart sets only the code and the error: a container
  // that never ran stays "created" (its State derives from StartedAt), one
  // that ran before stays "exited" with that run's FinishedAt.
  if (!records.record([&](storage::ContainerState &s) {
        s.status = s.started_at == 0 ? storage::RunStatus::created : storage::RunStatus::exited;
        s.exit_code = recorded;
        s.error = why.message;
        s.pid = 0;
      }))
    (void)records.record_exit({recorded, now, started});  // ends a restart
}

Result<pid_t> start(const LaunchPlan &plan, ContainerRecords &records, int attach_fd) {
  // One fork: the supervisor is the CLI's child only until the CLI exits
  // (soon, and it never waits for it), then init's or the nearest
  // subreaper's. A second fork would cost another copy of the CLI's pages.
  auto child = TRY(sys::spawn({.what = "forking the supervisor"}, [&](const sys::ChildChannel &ch) {
    ::setsid();
    // Nothing of the CLI's signal handling (a build blocks INT and TERM to
    // read them from a signalfd): the monitor sets up its own.
    sys::reset_signals();
    // No terminal and no pipe of the CLI's: stdio on /dev/null, every
    // other inherited fd closed but the status pipe and the attach socket.
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; fd++)
      ::dup2(null, fd);
    sys::close_fds_except(3, {ch.errors, attach_fd});
    ::prctl(PR_SET_NAME, "skiff-supervise");
    sys::set_proc_title("skiff-supervise " + plan.name);
    Monitor m(plan, records, attach_fd, ch.errors);
    ::_exit(m.run());
  }));
  auto started = TRY(child.read_report());
  if (started.empty())
    return make_error(Errc::failed, "the container's supervisor exited before starting it");
  return static_cast<pid_t>(str::to_int(started).value_or(0));
}

} // namespace skiff::supervisor
