// Docker's --filter for `network ls` (dangling, driver, id, label, name,
// scope, type) and `network prune` (until, label, label!), as moby's
// daemon/network/filter.go and its prune apply them. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::engine {

struct NetworkFilter {
  std::vector<std::string> drivers, ids, names, scopes;  // driver, scope exact; id, name as Docker's Match
  std::vector<std::string> labels, not_labels;           // all must hold / none may
  std::optional<bool> dangling;   // true: a custom network no container is on
  std::vector<std::string> types; // "builtin", "custom": any
  std::optional<int64_t> until;   // ns: created before

  struct Subject {
    const std::string &id, &name, &driver;
    const std::map<std::string, std::string> &labels;
    bool predefined;
    bool in_use;
    int64_t created;
  };
  bool matches(const Subject &n) const;
};

// `prune`: only until, label and label! are taken.
Result<NetworkFilter> parse_network_filter(const std::vector<std::string> &words, bool prune, int64_t now_ns);

} // namespace skiff::engine
