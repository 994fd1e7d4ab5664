// The user namespace of rootless skiff. Every rootless command of a user
// runs in one namespace, held by a small process (Podman's pause process)
// that makes no requests and serves none: joining it is one setns, where
// making a namespace runs newuidmap and newgidmap, two setuid programs that
// take most of a rootless `run`. The holder goes away on its own once no
// process of the user has been in its namespace for a minute.
#pragma once

#include <string>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::runtime {

// The directory of the user's holder record: $XDG_RUNTIME_DIR/skiff, or
// /tmp/skiff-UID when that is unset or not writable.
std::string user_runtime_dir();

// Moves the calling (single-threaded) process into the user's namespace,
// making it (and its holder) if there is none or its maps no longer match
// /etc/subuid and /etc/subgid, and becomes root in it. A missing range is
// an error naming the line to add.
Status enter_rootless_userns();

// The mount namespace the holder of this process's user namespace keeps
// (it is made with one of its own): where rootless volumes with driver
// options are mounted, so that containers share them while commands keep
// seeing the host's mounts. An error if this process is in no holder's
// namespace or the holder has none (one made by an older skiff).
Result<UniqueFd> holder_mount_namespace();

namespace detail {

struct Holder {
  std::string record, lock;  // "PID START_TIME\n", and the lock over it
};

// The holder's life once its maps are written: a look every
// `check_seconds` for another process in its namespace; after two looks in
// a row find none, it removes `h.record` if that still names it, and exits.
[[noreturn]] void hold(const Holder &h, int check_seconds);

} // namespace detail

} // namespace skiff::runtime
