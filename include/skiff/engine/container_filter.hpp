// Docker's `ps --filter` (moby's daemon/list.go): which keys exist, how
// values of one key combine (OR; AND for label) and how keys combine (AND),
// which filters show stopped containers without -a (status). Pure: parsed
// once, before any container is looked at, so a bad filter is an error
// even with no containers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

struct ContainerFilter {
  std::map<std::string, std::vector<std::string>> values;  // key -> values, as given
  std::optional<int64_t> before, since;  // created time of the named container
  std::string before_id, since_id;
  // status= lists stopped containers without -a, as Docker's does.
  bool shows_all = false;

  bool matches(const ContainerView &v) const;
};

// `words` are the --filter values ("KEY=VALUE"); `all` the containers there
// are (before= and since= name one of them).
Result<ContainerFilter> parse_container_filter(const std::vector<std::string> &words,
                                               const std::vector<ContainerView> &all);

// The network a container is on, by the name inspect and ps show.
std::string network_name(const std::string &mode);

} // namespace skiff::engine
