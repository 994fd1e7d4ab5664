#include "skiff/sys/pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace skiff::sys {

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0)
    return sys_error("creating a pipe");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

} // namespace skiff::sys
