// The command line `ps` shows, rewritten in place as setproctitle(3)
// does: the supervisor is forked from the CLI, not exec'd, and would
// otherwise show the CLI's whole command line.
#pragma once

#include <string_view>

namespace skiff::proc_title {

// Records where the process's argv strings lie, and the environment
// strings right after them (the room a title may take). Call at the
// start of main, before anything changes argv or the environment.
void init(int argc, char **argv);

// Writes `title` over that room, cut to fit. Environment strings in it
// are first copied elsewhere, so getenv keeps working. Does nothing
// without init (the unit tests' main).
void set(std::string_view title);

} // namespace skiff::proc_title
