// Internal: the supervisor's narrow view of its container's records
// (supervisor/records.hpp), over the store.
#pragma once

#include "skiff/storage/store.hpp"
#include "skiff/supervisor/records.hpp"
#include "volume_mounts.hpp"

namespace skiff::engine {

class StoreRecords final : public supervisor::ContainerRecords {
public:
  // `volume_place`: where volumes with driver options are mounted for a
  // run (volume_mounts.hpp).
  StoreRecords(const storage::Store &store, storage::ContainerConfig config, VolumeMountPlace volume_place)
      : store_(store), config_(std::move(config)), volume_place_(volume_place) {}
  Status record(const std::function<void(storage::ContainerState &)> &change) override;
  Status record_exit(const storage::ExitRecord &r) override;
  Result<storage::ContainerState> state() override;
  bool stop_requested() override;
  void clear_stop_request() override;
  bool removed() override;
  bool forget() override;
  Result<std::vector<std::pair<std::string, UniqueFd>>> prepare_run() override;
  void tear_down(bool files, bool keep_addresses = false) override;

private:
  const storage::Store &store_;
  storage::ContainerConfig config_;
  VolumeMountPlace volume_place_;
};

} // namespace skiff::engine
