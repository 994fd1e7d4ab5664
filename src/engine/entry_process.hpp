// Internal to the engine: the process through which a running container is
// entered (exec, and cp/export of its live root).
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "skiff/engine/engine.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

struct EntryProcess {
  pid_t pid = 0;
  uint64_t start = 0;  // its start time, against pid reuse
};

// The container's first process, or under --init the command that init
// forked: init was never exec'd, so it is not dumpable and keeps the CLI's
// memory map (owned by the host's user namespace), and a rootless caller
// may not open its /proc/PID/ns or root. The command was exec'd inside.
// A conflict error when the container is no longer running.
Result<EntryProcess> entry_process(const ContainerView &v);

// moby's errNotRunning: "container ID is not running", with the full ID.
Error not_running(const ContainerView &v);

} // namespace skiff::engine
