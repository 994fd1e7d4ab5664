// Rootless-friendly networking for the default network: pasta (package
// passt) gives the container's network namespace a copy of the host's
// addresses and routes, with outbound traffic going through the host.
#pragma once

#include <sys/types.h>

#include <string>

#include "skiff/util/result.hpp"

namespace skiff::network {

// The address pasta answers DNS queries on, forwarded to the host's resolver.
inline constexpr const char *kPastaDns = "169.254.1.1";

// Connects the network namespace of `pid`. pasta goes on in the background
// and writes its PID to `pid_file`; it cannot see the namespace go away
// (it holds it through an fd), so the caller stops it with stop_pasta.
Status attach_pasta(pid_t pid, const std::string &pid_file);
// Stops the pasta recorded in `pid_file`, if it still runs; removes the
// file. Returns the PID signalled, or 0.
pid_t stop_pasta(const std::string &pid_file);

} // namespace skiff::network
