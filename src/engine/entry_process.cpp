#include "entry_process.hpp"

#include "skiff/sys/proc.hpp"

namespace skiff::engine {

Result<EntryProcess> entry_process(const ContainerView &v) {
  if (v.state.status != storage::RunStatus::running || v.state.pid <= 0)
    return not_running(v);
  if (!v.config.init)
    return EntryProcess{v.state.pid, v.state.pid_start};
  for (pid_t child : sys::child_processes(v.state.pid))
    if (uint64_t start = sys::process_start_time(child); start != 0)
      return EntryProcess{child, start};
  // Its command has exited and init is on its way out.
  return not_running(v);
}

Error not_running(const ContainerView &v) {
  return make_error(Errc::conflict, "container {} is not running", v.config.id);
}

} // namespace skiff::engine
