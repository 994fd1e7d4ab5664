// Handing a file descriptor to another process over a unix socket
// (SCM_RIGHTS): a pty master, a FUSE connection, a tap device.
#pragma once

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::sys {

int send_fd(int sock, int fd);  // 0 or an errno value
// The next fd sent on `sock` (close-on-exec), or an error when the other
// end closed without sending one.
Result<UniqueFd> receive_fd(int sock);

} // namespace skiff::sys
