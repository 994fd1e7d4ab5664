// Docker's --filter for `volume ls` (name, driver, label, dangling) and
// `volume prune` (label, label!): values of one key match if any does
// (every one for label), keys combine with AND. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::engine {

struct VolumeFilter {
  std::vector<std::string> names;    // regular expressions, or exact names
  std::vector<std::string> drivers;
  std::vector<std::string> labels;   // "KEY" or "KEY=VALUE"; all must hold
  std::vector<std::string> not_labels;  // label!: a volume matching them all is left out
  std::optional<bool> dangling;      // true: used by no container

  bool matches(const std::string &name, const std::string &driver,
               const std::map<std::string, std::string> &labels, bool in_use) const;
};

// Parses --filter words ("KEY=VALUE") allowing only the `accepted` keys.
Result<VolumeFilter> parse_volume_filter(const std::vector<std::string> &words,
                                         const std::vector<std::string_view> &accepted);

} // namespace skiff::engine
