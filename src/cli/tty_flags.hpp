// What run, start, attach and exec share about the local terminal: the
// --detach-keys flag (or Docker's config.json setting) and Docker's refusal
// to connect a container's terminal to an input that is not one.
#pragma once

#include <string>

#include "skiff/cli/command.hpp"

namespace skiff::cli {

Flag detach_keys_flag();

// The detach sequence as bytes: --detach-keys, else "detachKeys" in
// $DOCKER_CONFIG/config.json (~/.docker/config.json), else Ctrl-P Ctrl-Q.
Result<std::string> detach_keys(const Args &a);

// Docker's CheckTty: stdin is to go to a container's terminal but is not
// a terminal itself (a pipe, a file): "the input device is not a TTY".
Status check_tty(bool attach_stdin, bool tty);

} // namespace skiff::cli
