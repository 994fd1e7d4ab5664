// The client side of the attach socket: copies the container's output to
// this terminal, this stdin to the container, and forwards signals.
#pragma once

#include <sys/types.h>

#include <string>

namespace skiff::cli {

struct AttachOptions {
  bool tty = false;
  bool stdin_open = false;  // this stdin goes to the container
  // Signals skiff receives go to the container's process `pid`. Without
  // it, SIGINT, SIGTERM, SIGHUP and SIGQUIT end skiff alone (the terminal
  // restored), as they end Docker's CLI: the container goes on.
  bool sig_proxy = true;
  pid_t pid = 0;
  // Watched for on stdin when it goes to a terminal (tty and stdin_open):
  // typing it detaches, leaving the container running.
  std::string detach_keys;
  // attach: resize the terminal twice so its program redraws the screen.
  bool redraw = false;
};

struct SessionEnd {
  int exit_code = 0;
  bool detached = false;  // the detach keys were typed
};

// Runs until the supervisor sends the exit frame (exit_code is the
// container's, 125 when the supervisor went away without one) or the
// detach keys are typed.
SessionEnd attach_session(int sock, const AttachOptions &o);

// Relays this terminal to and from a pty master (exec -t) until the
// process `helper` exits (its exit code), or until the detach keys are
// typed while stdin is relayed: then a background process takes over the
// pty, reading and dropping what the command writes, and the command goes
// on.
SessionEnd pty_session(int master, pid_t helper, bool interactive, const std::string &detach_keys);

} // namespace skiff::cli
