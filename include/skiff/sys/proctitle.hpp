// The memory /proc/PID/cmdline and /proc/PID/environ show: the strings the
// process was exec'd with. A process that goes on without exec shows its
// own title there instead: the --init of a container (forked from the
// CLI, so the container does not see the host's command line and
// environment), the supervisor (`skiff-supervise NAME` in ps, as conmon
// shows its container) and its network helper.
#pragma once

#include <string_view>

namespace skiff::sys {

// Called once from main with its arguments.
void record_args_area(int argc, char **argv);
// Overwrites the recorded area with `title` (cut to fit) and zeros, as
// setproctitle(3) does. Environment strings in it are first copied
// elsewhere, so getenv keeps working. Does nothing without
// record_args_area (the unit tests' main).
void set_proc_title(std::string_view title);

} // namespace skiff::sys
