#include "process_wait.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "skiff/sys/proc.hpp"

namespace skiff::engine {

bool wait_gone(pid_t pid, uint64_t start, std::chrono::milliseconds timeout) {
  int pfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pfd >= 0) {
    if (!sys::process_alive(pid, start)) {
      ::close(pfd);
      return true;
    }
    pollfd p{pfd, POLLIN, 0};
    int r;
    do
      r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    while (r < 0 && errno == EINTR);
    ::close(pfd);
    return r > 0;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!sys::process_alive(pid, start))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return !sys::process_alive(pid, start);
}

} // namespace skiff::engine
