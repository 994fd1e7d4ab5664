#include "container_records.hpp"

#include "skiff/util/fs.hpp"
#include "teardown.hpp"
#include "volume_mounts.hpp"

namespace skiff::engine {

Status StoreRecords::record(const std::function<void(storage::ContainerState &)> &change) {
  auto lock = TRY(store_.lock_container(config_.id));
  auto st = TRY(store_.read_state(config_.id));
  change(st);
  return store_.write_state(config_.id, st);
}

Status StoreRecords::record_exit(const storage::ExitRecord &r) {
  return store_.write_exit_record(config_.id, r);
}

Result<storage::ContainerState> StoreRecords::state() { return store_.read_state(config_.id); }

bool StoreRecords::stop_requested() { return store_.stop_requested(config_.id); }

void StoreRecords::clear_stop_request() { store_.clear_stop_request(config_.id); }

bool StoreRecords::removed() { return !fs::exists(store_.container_dir(config_.id) + "/config.json"); }

bool StoreRecords::forget() {
  auto lock = store_.lock_containers();
  auto clock = store_.lock_container(config_.id);
  if (!store_.begin_removal(config_, true))
    return false;
  // Before the exit reaches `run --rm`, as Docker's, and before its
  // anonymous volumes go: the volumes' mounts.
  release_volume_mounts(store_, config_.id);
  (void)store_.remove_anonymous_volumes(config_);
  return true;
}

Result<std::vector<std::pair<std::string, UniqueFd>>> StoreRecords::prepare_run() {
  return acquire_volume_mounts(store_, config_, volume_place_);
}

void StoreRecords::tear_down(bool files, bool keep_addresses) {
  (void)engine::tear_down(store_, config_.id, {files, nullptr, keep_addresses});
}

} // namespace skiff::engine
