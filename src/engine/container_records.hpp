// Internal: the supervisor's narrow view of its container's records
// (supervisor/records.hpp), over the store.
#pragma once

#include "skiff/storage/store.hpp"
#include "skiff/supervisor/records.hpp"

namespace skiff::engine {

class StoreRecords final : public supervisor::ContainerRecords {
public:
  // `shared_volume_mounts`: volumes with driver options are mounted on
  // their _data for the run (volume_mounts.hpp).
  StoreRecords(const storage::Store &store, storage::ContainerConfig config, bool shared_volume_mounts)
      : store_(store), config_(std::move(config)), shared_volume_mounts_(shared_volume_mounts) {}
  Status record(const std::function<void(storage::ContainerState &)> &change) override;
  Status record_exit(const storage::ExitRecord &r) override;
  Result<storage::ContainerState> state() override;
  bool stop_requested() override;
  void clear_stop_request() override;
  bool removed() override;
  bool forget() override;
  Status prepare_run() override;
  void tear_down(bool files) override;

private:
  const storage::Store &store_;
  storage::ContainerConfig config_;
  bool shared_volume_mounts_;
};

} // namespace skiff::engine
