// Removing containers: rm, and finishing the removals killed commands left
// half done. Nothing here needs free space before the container's files
// are gone (storage/removal.hpp), so a full disk can always be recovered.
#include <signal.h>

#include "process_wait.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/runtime/userns_holder.hpp"
#include "skiff/sys/proc.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/lock.hpp"
#include "teardown.hpp"

namespace skiff::engine {

using storage::ContainerState;
using storage::RunStatus;
using namespace std::chrono_literals;

static bool active(const ContainerState &st) {
  return (st.status == RunStatus::running || st.status == RunStatus::restarting) &&
         sys::process_alive(st.supervisor_pid, st.supervisor_start);
}

// Stops the processes of a container whose config is gone. Gently, its
// init is killed and its supervisor, which then neither restarts it nor
// finds anything to record, tells attached clients the exit code and
// ends; `hard` kills the supervisor at once (its init dies with it).
static void stop_processes(const ContainerState &st, bool hard) {
  bool supervised = sys::process_alive(st.supervisor_pid, st.supervisor_start);
  if (hard && supervised) {
    ::kill(st.supervisor_pid, SIGKILL);
    wait_gone(st.supervisor_pid, st.supervisor_start, 10s);
  }
  if (st.pid > 0 && sys::process_alive(st.pid, st.pid_start)) {
    ::kill(st.pid, SIGKILL);
    wait_gone(st.pid, st.pid_start, 10s);
  }
  if (!supervised || hard)
    return;
  ::kill(st.supervisor_pid, SIGUSR1);  // ends a restart backoff at once
  if (!wait_gone(st.supervisor_pid, st.supervisor_start, 10s)) {
    ::kill(st.supervisor_pid, SIGKILL);
    wait_gone(st.supervisor_pid, st.supervisor_start, 10s);
  }
}

Status Engine::finish_removal(const std::string &id, const storage::ContainerConfig *config,
                              bool volumes, bool hard) {
  stop_processes(store_.read_state(id).value_or(ContainerState{}), hard);
  TRY_STATUS(tear_down(store_, id, {true, volumes ? config : nullptr}));
  // The layers of a deleted image that only this container kept go now;
  // were this cut short, the next gc takes them.
  if (config && !config->image_layers.empty())
    (void)store_.gc_layers();
  return {};
}

Status Engine::remove_container(const std::string &id, bool force, bool volumes) {
  auto v = TRY(container(id));
  // No start is under way while the removal begins: one that began before
  // has recorded its container running.
  auto starting = TRY(FileLock::acquire(store_.container_dir(id) + "/start.lock"));
  {
    auto lock = TRY(store_.lock_containers());
    auto clock = TRY(store_.lock_container(id));
    // Docker's words, which scripts grep for (moby daemon/delete.go).
    if (auto st = TRY(store_.read_state(id)); !force && active(st))
      return make_error(Errc::conflict,
                        "You cannot remove a {} container {}. Stop the container before "
                        "attempting removal or force remove",
                        storage::status_name(st.status), id);
    // An --rm container's anonymous volumes go with it whoever removes it.
    volumes = volumes || v.config.auto_remove;
    TRY_STATUS(store_.begin_removal(v.config, volumes));
  }
  return finish_removal(id, &v.config, volumes, false);
}

void Engine::finish_removals() {
  auto abandoned = store_.abandoned_removals();
  if (!abandoned || abandoned->empty())
    return;
  // Rootless, the files of a container belong to IDs of the user's
  // namespace: commands that only read (ps, inspect) enter it now.
  if (opts_.rootless && !sys::in_user_namespace() && !runtime::enter_rootless_userns())
    return;
  std::vector<storage::AbandonedRemoval> mine;
  {
    auto lock = store_.lock_containers();
    auto claimed = lock ? store_.claim_abandoned_removals() : std::vector<storage::AbandonedRemoval>{};
    if (claimed)
      mine = std::move(*claimed);
  }
  for (const auto &r : mine)
    (void)finish_removal(r.id, r.config ? &*r.config : nullptr, r.volumes, true);
}

} // namespace skiff::engine
