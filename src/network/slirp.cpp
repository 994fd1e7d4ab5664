#include "skiff/network/slirp.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "skiff/sys/child.hpp"
#include "skiff/sys/fd_passing.hpp"
#include "skiff/sys/pipe.hpp"
#include "skiff/sys/proctitle.hpp"
#include "slirp_loop.hpp"

namespace skiff::network {

TapConfig slirp_tap_config() {
  TapConfig c;
  c.address = "10.0.2.100";
  c.gateway = "10.0.2.2";
  return c;
}

Result<SlirpHelper> start_slirp() {
  auto [ready_r, ready_w] = TRY(sys::make_pipe());
  auto [exit_r, exit_w] = TRY(sys::make_pipe());
  pid_t parent = ::getpid();
  // Its failures go to the ready pipe, which wait_slirp reads: the error
  // pipe is not kept.
  auto child = TRY(sys::spawn({.socket = true, .what = "starting the network helper"},
                              [&](const sys::ChildChannel &ch) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
      ::_exit(1);
    ::prctl(PR_SET_NAME, "skiff-slirp");
    sys::set_proc_title("skiff-slirp");
    // Nothing of the supervisor's but these three fds.
    sys::close_fds_except(3, {ch.sock, ready_w.get(), exit_r.get()});
    detail::run_slirp(ch.sock, ready_w.get(), exit_r.get());
  }));
  return SlirpHelper{child.pid(), child.take_socket(), std::move(ready_r), std::move(exit_w)};
}

void give_tap(SlirpHelper &h, int tap) {
  // A helper that failed has closed its end; wait_slirp reads why.
  (void)sys::send_fd(h.tap.get(), tap);
  h.tap.reset();
}

Status wait_slirp(SlirpHelper &h) {
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = ::read(h.ready.get(), buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) {
      msg.append(buf, static_cast<size_t>(n));
      if (msg == "1")
        break;
    }
  h.ready.reset();
  if (msg == "1")
    return {};
  h.tap.reset();
  ::kill(h.pid, SIGKILL);
  ::waitpid(h.pid, nullptr, 0);
  h.pid = 0;
  h.exit.reset();
  return make_error(Errc::failed, "the container's network: {}",
                    msg.empty() ? std::string("its helper exited") : msg);
}

} // namespace skiff::network
