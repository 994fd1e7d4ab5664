// The memory /proc/PID/cmdline and /proc/PID/environ show: the strings the
// process was exec'd with. A process that goes on without exec (the --init
// of a container, forked from the CLI) clears them so the container does
// not see the host's command line and environment.
#pragma once

namespace skiff::sys {

// Called once from main with its arguments.
void record_args_area(int argc, char **argv);
// Overwrites the recorded area with zeros, then `title`.
void clear_args_area(const char *title);

} // namespace skiff::sys
