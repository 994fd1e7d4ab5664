// Internal to network: the libslirp helper's life after the fork.
#pragma once

#include "skiff/util/result.hpp"

namespace skiff::network::detail {

// Loads libslirp, confines this process (slirp_sandbox), receives the tap
// device on `tap_sock`, writes "1" to `ready_fd` and moves packets between
// the tap and the host until `exit_fd` reads EOF. A failure before that is
// written to `ready_fd` as text.
[[noreturn]] void run_slirp(int tap_sock, int ready_fd, int exit_fd);

// An empty root with the host's /etc and /run read-only (resolv.conf for
// DNS forwarding), no capabilities, no new privileges, and a seccomp
// filter refusing what a network stack never needs (as slirp4netns's
// --enable-sandbox --enable-seccomp).
Status confine_slirp();

} // namespace skiff::network::detail
