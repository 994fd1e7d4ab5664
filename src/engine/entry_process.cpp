#include "entry_process.hpp"

#include "skiff/sys/proc.hpp"

namespace skiff::engine {

Result<EntryProcess> entry_process(const ContainerView &v) {
  if (v.state.status != storage::RunStatus::running || v.state.pid <= 0)
    return make_error(Errc::conflict, "container {} is not running", v.config.id);  // moby's words, full ID
  if (!v.config.init)
    return EntryProcess{v.state.pid, v.state.pid_start};
  for (pid_t child : sys::child_processes(v.state.pid))
    if (uint64_t start = sys::process_start_time(child); start != 0)
      return EntryProcess{child, start};
  // Its command has exited and init is on its way out.
  return make_error(Errc::conflict, "container {} is not running", v.config.id);  // moby's words, full ID
}

} // namespace skiff::engine
