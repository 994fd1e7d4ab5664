// Names for shell completion (`skiff __complete`). Best effort and fast:
// what cannot be read is left out, and nothing is repaired or locked.
#pragma once

#include <string>
#include <vector>

#include "skiff/engine/engine.hpp"

namespace skiff::engine {

enum class NameFilter { all, running, stopped };

// Containers' names, from their config and last recorded state only.
std::vector<std::string> container_names(Engine &eng, NameFilter f);
// Images' names in Docker's familiar form ("busybox:latest").
std::vector<std::string> image_names(Engine &eng);
std::vector<std::string> volume_names(Engine &eng);
// Networks' names from their records (the built-ins once any command made them).
std::vector<std::string> network_names(Engine &eng);
// The capabilities --cap-add and --cap-drop take on this host.
std::vector<std::string> capability_names();

} // namespace skiff::engine
