// Internal: the one teardown path of a container's run.
#pragma once

#include <string>

#include "skiff/storage/store.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

struct Teardown {
  bool files = false;  // the container's files too: it is being removed
  // Its anonymous volumes too (a removal that takes them).
  const storage::ContainerConfig *volumes_of = nullptr;
  bool keep_addresses = false;  // its network leases: a restart follows
};

// Releases what a container's run holds outside its processes, once those
// are gone: network helpers found by their PID files (the supervisor stops
// its own first; these are a dead one's), the cgroup, its use of volumes
// with driver options (unmounted once nobody uses them), and with `what` the
// anonymous volumes and files. Called by the supervisor after each run and
// for an --rm container (through ContainerRecords::tear_down), by
// repair_state for a supervisor that died, and by every removal. Each step
// goes on after one that fails; the files' failure is the one reported.
Status tear_down(const storage::Store &store, const std::string &id, const Teardown &what);

} // namespace skiff::engine
