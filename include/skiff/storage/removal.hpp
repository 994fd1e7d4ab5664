// A container's removal survives kill -9 at any step and needs no free
// space: it begins by renaming config.json to a marker naming the process
// that removes it (from then on the container is gone for every reader and
// its name is free), and the marker is the last thing deleted. A container
// directory without config.json whose marker names a dead process, or that
// has no marker at all (a killed create), is a removal left half done,
// which the next command finishes.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "skiff/storage/container_config.hpp"

namespace skiff::storage {

struct RemovalMarker {
  pid_t owner = 0;       // the process carrying the removal out
  bool volumes = false;  // its anonymous volumes go too (rm -v, --rm)
};

// "removing-<pid>.json", or "removing-<pid>-volumes.json".
std::string removal_marker_name(const RemovalMarker &m);
std::optional<RemovalMarker> parse_removal_marker(std::string_view name);

// A removal this process has taken over (Store::claim_abandoned_removals).
struct AbandonedRemoval {
  std::string id;
  std::optional<ContainerConfig> config;  // none for a killed create
  bool volumes = false;
};

} // namespace skiff::storage
