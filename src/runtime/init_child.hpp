// Internal: the code the cloned container child runs. It never returns:
// it execs the container's command or reports an error and exits.
#pragma once

#include "skiff/runtime/launch.hpp"

namespace skiff::runtime::detail {

struct ChildFds {
  int go;       // read end: "g" to set up, then "n" once the network is wired
  int errors;   // write end, close-on-exec: "<exit code> <message>"
  int console;  // unix socket for the pty master, or -1
  int fuse;     // unix socket for the root's FUSE connection, or -1
  int tap;      // unix socket for the network's tap device, or -1
};

[[noreturn]] void init_child(const InitSpec &spec, ChildFds fds);

} // namespace skiff::runtime::detail
