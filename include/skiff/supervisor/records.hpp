// All the supervisor may read and change of its container's records: the
// engine implements it over the store and hands it over with the plan, so
// the supervisor never sees the store itself. (The health issue's checks
// will record their results here too.)
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "skiff/storage/container_config.hpp"
#include "skiff/storage/exit_record.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::supervisor {

class ContainerRecords {
public:
  virtual ~ContainerRecords() = default;
  // Changes state.json under the container's lock.
  virtual Status record(const std::function<void(storage::ContainerState &)> &change) = 0;
  // An exit state.json could not take (a full disk): exit_record.hpp.
  virtual Status record_exit(const storage::ExitRecord &r) = 0;
  virtual Result<storage::ContainerState> state() = 0;
  // stop and kill ask for no restart; a start clears the request.
  virtual bool stop_requested() = 0;
  virtual void clear_stop_request() = 0;
  // An rm has begun: the container is no longer there to restart or record.
  virtual bool removed() = 0;
  // --rm after the exit: forgets the container (config gone, name free,
  // anonymous volumes removed, volume mounts released); false if an rm
  // began first.
  virtual bool forget() = 0;
  // Takes what a run needs outside the supervisor's own processes before
  // its container is made: the mounts of volumes made with driver options
  // (this process counted as their user). tear_down gives it back. Gives
  // detached mounts (open_tree) by source path that the container
  // attaches instead of binding that path (rootless: the mounts live in
  // another mount namespace).
  virtual Result<std::vector<std::pair<std::string, UniqueFd>>> prepare_run() = 0;
  // Releases what a run holds outside the supervisor's own processes (its
  // cgroup, network helpers left by PID file, volume mounts) and, with `files`, the
  // container's files: the engine's one teardown path.
  // `keep_addresses`: a restart follows, which the plan brings up on the
  // same network addresses: they stay leased.
  virtual void tear_down(bool files, bool keep_addresses = false) = 0;
};

} // namespace skiff::supervisor
