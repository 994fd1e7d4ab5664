// The client side of the attach socket: copies the container's output to
// this terminal, this stdin to the container, and forwards signals.
#pragma once

#include <sys/types.h>

namespace skiff::cli {

struct AttachOptions {
  bool tty = false;
  bool stdin_open = false;
  bool sig_proxy = true;
  pid_t pid = 0;  // the container's process, for signal forwarding
};

// Runs until the supervisor sends the exit frame; returns the exit code
// (or 125 when the supervisor went away without one).
int attach_session(int sock, const AttachOptions &o);

// Relays this terminal to and from a pty master (exec -t) until the
// process `helper` exits; returns its exit code.
int pty_session(int master, pid_t helper, bool interactive);

} // namespace skiff::cli
