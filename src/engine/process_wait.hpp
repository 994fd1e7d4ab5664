// Internal to the engine: waiting for a process to end.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

namespace skiff::engine {

// Waits until `pid` (with start time `start`) is gone, or the timeout;
// true when it is gone.
bool wait_gone(pid_t pid, uint64_t start, std::chrono::milliseconds timeout);

} // namespace skiff::engine
