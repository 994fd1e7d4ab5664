// Internal to the runtime: what passes between a forked child and its
// parent before execve: a pty master over a unix socket, and the child's
// failure as "<exit code> <message>" on a close-on-exec pipe.
#pragma once

#include <optional>

#include "skiff/sys/fd_passing.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::runtime::detail {

using sys::receive_fd;
using sys::send_fd;

// Reads the error pipe to its end: nothing means the child exec'd.
std::optional<Error> read_child_error(int fd);

} // namespace skiff::runtime::detail
