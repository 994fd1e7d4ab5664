#include "skiff/runtime/idmap.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "skiff/util/strings.hpp"

namespace skiff::runtime {

std::vector<IdRange> parse_subid(std::string_view content, const std::string &user, uid_t uid) {
  std::vector<IdRange> out;
  std::string uid_text = std::to_string(uid);
  for (const auto &line : str::split(content, '\n')) {
    auto f = str::split(str::trim(line), ':');
    if (f.size() != 3 || (f[0] != user && f[0] != uid_text))
      continue;
    auto start = str::to_int(f[1]), count = str::to_int(f[2]);
    if (start && count && *start >= 0 && *count > 0)
      out.push_back({static_cast<uint32_t>(*start), static_cast<uint32_t>(*count)});
  }
  return out;
}

std::vector<IdMapping> rootless_map(uint32_t own_id, const std::vector<IdRange> &ranges) {
  std::vector<IdMapping> out{{0, own_id, 1}};
  uint32_t next = 1;
  for (const auto &r : ranges) {
    out.push_back({next, r.start, r.count});
    next += r.count;
  }
  return out;
}

std::vector<IdMapping> parse_id_map(std::string_view text) {
  std::vector<IdMapping> out;
  for (const auto &line : str::split(text, '\n')) {
    auto f = str::split(std::string(str::trim(line)), ' ');
    std::erase(f, "");
    if (f.size() != 3)
      continue;
    auto in = str::to_int(f[0]), outside = str::to_int(f[1]), count = str::to_int(f[2]);
    if (in && outside && count && *count > 0)
      out.push_back({static_cast<uint32_t>(*in), static_cast<uint32_t>(*outside),
                     static_cast<uint32_t>(*count)});
  }
  return out;
}

std::string format_id_map(const std::vector<IdMapping> &maps) {
  std::string out;
  for (const auto &m : maps)
    out += fmt::format("{} {} {}\n", m.inside, m.outside, m.count);
  return out;
}

// Cuts each mapping where its outside IDs cross from one line of `parent`
// (whose inside IDs they are) to the next; IDs the parent lacks are left out.
static std::vector<IdMapping> fit_to_parent(const std::vector<IdMapping> &maps,
                                            const std::vector<IdMapping> &parent) {
  std::vector<IdMapping> out;
  for (const auto &m : maps)
    for (const auto &e : parent) {
      uint64_t lo = std::max<uint64_t>(m.outside, e.inside);
      uint64_t hi = std::min<uint64_t>(uint64_t(m.outside) + m.count, uint64_t(e.inside) + e.count);
      if (lo < hi)
        out.push_back({static_cast<uint32_t>(m.inside + (lo - m.outside)), static_cast<uint32_t>(lo),
                       static_cast<uint32_t>(hi - lo)});
    }
  return out;
}

std::vector<IdMapping> keep_id_map(uint32_t keep, const std::vector<IdMapping> &parent) {
  uint64_t total = 0;
  for (const auto &e : parent)
    total = std::max<uint64_t>(total, uint64_t(e.inside) + e.count);
  std::vector<IdMapping> maps{{keep, 0, 1}};
  if (keep > 0)
    maps.push_back({0, 1, keep});
  if (total > uint64_t(keep) + 1)
    maps.push_back({keep + 1, keep + 1, static_cast<uint32_t>(total - keep - 1)});
  return fit_to_parent(maps, parent);
}

} // namespace skiff::runtime
