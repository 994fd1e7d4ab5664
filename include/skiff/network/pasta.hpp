// Rootless-friendly networking for the default network: pasta (package
// passt) gives the container's network namespace a copy of the host's
// addresses and routes, with outbound traffic going through the host.
#pragma once

#include <sys/types.h>

#include "skiff/util/result.hpp"

namespace skiff::network {

// The address pasta answers DNS queries on, forwarded to the host's resolver.
inline constexpr const char *kPastaDns = "169.254.1.1";

// Connects the network namespace of `pid` (and joins its user namespace);
// pasta runs on in the background and exits with the namespace.
Status attach_pasta(pid_t pid);

} // namespace skiff::network
