// Rootless ID maps: container root is the invoking user, the other IDs come
// from the user's /etc/subuid and /etc/subgid ranges.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::runtime {

struct IdRange {
  uint32_t start = 0;
  uint32_t count = 0;
};

// Ranges for `user` (a name) or `uid` (its number as text) in the content
// of /etc/subuid or /etc/subgid.
std::vector<IdRange> parse_subid(std::string_view content, const std::string &user, uid_t uid);

struct IdMapping {
  uint32_t inside, outside, count;
  bool operator==(const IdMapping &) const = default;
};

// The maps of a rootless store: 0 -> own id, 1.. -> the subordinate ranges.
std::vector<IdMapping> rootless_map(uint32_t own_id, const std::vector<IdRange> &ranges);

// The lines of /proc/PID/uid_map or gid_map ("inside outside count").
std::vector<IdMapping> parse_id_map(std::string_view text);
std::string format_id_map(const std::vector<IdMapping> &maps);

// The map of a --userns=keep-id container's namespace, written from ours
// (`parent`: our own map, in which the user is 0 and the subordinate IDs
// follow): ID `keep` inside is our 0, the IDs below it shift up by one,
// those above stay. Every line falls inside one line of `parent`, as the
// kernel requires (a user with two subordinate ranges has three).
std::vector<IdMapping> keep_id_map(uint32_t keep, const std::vector<IdMapping> &parent);

} // namespace skiff::runtime
