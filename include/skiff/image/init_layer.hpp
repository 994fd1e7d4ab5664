// Docker's init layer: the entries moby puts beneath every container's own
// layer at create (daemon/initlayer), so that `docker export` of any
// container, even one never started, has them.
#pragma once

#include <cstdint>
#include <vector>

#include "skiff/image/tar_writer.hpp"

namespace skiff::image {

// The entries as tar headers, owned by the container's root, made at
// `mtime` (the container's creation): directories /dev/pts, /dev/shm,
// /proc and /sys with their parents; empty files /.dockerenv,
// /etc/resolv.conf, /etc/hosts, /etc/hostname and /dev/console, mode 0755
// as moby makes them; /etc/mtab a link to /proc/mounts.
std::vector<TarHeader> docker_init_layer(int64_t mtime);

} // namespace skiff::image
