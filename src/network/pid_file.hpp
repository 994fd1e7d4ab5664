// Internal to the network module: stopping a helper recorded in a PID file.
#pragma once

#include <sys/types.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace skiff::network::detail {

// Sends SIGTERM to the process in `pid_file` if its name still starts with
// one of `names` (so a reused PID is left alone); removes the file.
// Returns the PID signalled, or 0.
pid_t stop_by_pid_file(const std::string &pid_file, std::initializer_list<std::string_view> names);

} // namespace skiff::network::detail
