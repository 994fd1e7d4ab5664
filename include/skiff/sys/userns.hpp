// User namespaces: facts about ours, and joining another.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "skiff/util/result.hpp"

namespace skiff::sys {

// True when this process is inside a user namespace other than the initial
// one (/proc/self/uid_map is not the identity map of all IDs).
bool in_user_namespace();

// Moves this (single-threaded) process into the user namespace of process
// `pid`, which must still be the process that started at `start_time`
// (not a reused number): Errc::not_found when it is gone.
Status join_user_namespace(pid_t pid, uint64_t start_time);

// True when a process other than this one, and readable by it, shares its
// user namespace.
bool user_namespace_shared();

} // namespace skiff::sys
