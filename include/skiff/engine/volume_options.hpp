// Docker's local volume driver options (`volume create -o type=... -o
// device=... -o o=...`): which are accepted, and the mount a volume that
// has them gets while containers use it. Pure; moby's volume/local
// (local_unix.go) and moby/sys/mount (flags_unix.go) are the reference.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "skiff/util/result.hpp"

namespace skiff::engine {

using VolumeOptions = std::map<std::string, std::string>;

// The driver is "local" (Docker's default): any other is no plugin here.
// `name` is the volume's, for Docker's `create NAME: ...` words.
Status check_volume_driver(const std::string &name, const std::string &driver);

// moby's validateOpts: only type, o, device and size; device and type
// need each other and o needs both; size is a quota, which this store
// has no support for (0 is accepted, as Docker does).
Status check_volume_options(const std::string &name, const VolumeOptions &opts);

// What mount(2) gets: moby/sys/mount's parseOptions splits `o` into flags
// (ro, nosuid, bind, ...) and file system data (size=100m,uid=1000).
struct VolumeMount {
  std::string device;
  std::string type;
  unsigned long flags = 0;        // without the propagation flags
  unsigned long propagation = 0;  // MS_PRIVATE, MS_SHARED, ... with MS_REC: set after the mount
  std::string data;
  bool remount_readonly = false;  // a read-only bind is made read-only by a remount
};

// nullopt: the volume is a plain directory (neither type nor device set,
// as moby's needsMount); an error for a device left empty.
Result<std::optional<VolumeMount>> volume_mount(const VolumeOptions &opts);

// Whether what is written to the volume outlives its mount. Docker fills
// a volume from the image when the container is created, through a mount
// it releases at once: in a tmpfs (or ramfs) that copy is gone before the
// container starts, so such a volume is not filled here either.
bool keeps_content_unmounted(const std::string &type);

// moby/sys/mount's mountError: "mount DEVICE:TARGET, flags: 0x1000, data:
// ...: no such file or directory", with Docker's prefixes around it.
std::string volume_mount_error(const VolumeMount &m, const std::string &target, int err);

} // namespace skiff::engine
