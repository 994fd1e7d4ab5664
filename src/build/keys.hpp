// Cache keys: a step's key is the hash of its parent's key and what the
// step is (its instruction as expanded, the env a RUN sees, the contents
// of what a COPY reads), so one change invalidates that step and the
// later ones of its stage only.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace skiff::build {

// sha256 hex over the parts, each length-prefixed so that no two lists
// of parts give the same bytes.
std::string cache_key(std::initializer_list<std::string_view> parts);

} // namespace skiff::build
