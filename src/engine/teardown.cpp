#include "teardown.hpp"

#include "volume_mounts.hpp"

#include "skiff/engine/network_leases.hpp"
#include "skiff/network/user_net.hpp"
#include "skiff/runtime/cgroups.hpp"

namespace skiff::engine {

Status tear_down(const storage::Store &store, const std::string &id, const Teardown &what) {
  network::stop_orphaned_user_net(store.container_run_dir(id));
  if (!what.keep_addresses)
    (void)release_endpoints(store, id);
  (void)runtime::Cgroup::destroy_by_name(id);
  release_volume_mounts(store, id);
  Status s;
  if (what.volumes_of)
    s = store.remove_anonymous_volumes(*what.volumes_of);
  if (what.files)
    TRY_STATUS(store.remove_container_files(id));
  return s;
}

} // namespace skiff::engine
