// Internal: the mounts of volumes made with driver options (`volume create
// -o type=tmpfs ...`). As Docker's local driver, a volume is mounted on
// its _data directory when a container using it starts and unmounted when
// the last one stops. Without a daemon to count them, each user is a file
// volumes/<name>/users/<container id> naming the supervisor of that run
// (pid and start time): a user whose process is gone (kill -9) no longer
// counts, and the next acquire or release drops it. Root mounts in the
// host's mount namespace and containers bind _data. Rootless cannot mount
// there: the mount lives in the mount namespace the user's skiff-userns
// keeps (runtime/userns_holder.hpp), which no command joins (so commands
// and containers keep seeing the host's mounts as they are now); the
// supervisor visits it to mount and to clone the mount (open_tree), and
// the container attaches that clone. Either way every container using
// the volume shares the one mount.
#pragma once

#include <string>

#include "skiff/engine/launch_plan.hpp"
#include "skiff/engine/volume_options.hpp"
#include "skiff/storage/store.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

// Where this process's volume mounts live (launch_plan.hpp).
VolumeMountPlace volume_mount_place();

// A volume's driver options as recorded (empty: none, or no record).
VolumeOptions recorded_volume_options(const storage::Store &store, const std::string &name);

// Before a run of container `c`: records this process as a user of each
// of its volumes that needs a mount, and mounts those not mounted yet, in
// `place` (host or holder). Fails, with Docker's words and exit code, if
// one cannot be mounted (nothing of this run is left recorded then). For
// the holder's namespace, gives a detached clone of each mount, by _data
// path, for the container to attach.
Result<std::vector<std::pair<std::string, UniqueFd>>> acquire_volume_mounts(const storage::Store &store,
                                                                            const storage::ContainerConfig &c,
                                                                            VolumeMountPlace place);

// After a run (the teardown path): container `id` no longer uses its
// volumes; a volume left without a live user is unmounted.
void release_volume_mounts(const storage::Store &store, const std::string &id);

// Before a volume's directory is removed: unmounts it unless a live
// process uses it. An error if it stays mounted, so that removing the
// directory never reaches into what is mounted there (a host directory).
Status unmount_unused_volume(const storage::Store &store, const std::string &name);

} // namespace skiff::engine
