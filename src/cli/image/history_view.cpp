#include "skiff/cli/history_view.hpp"

#include <ctime>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "skiff/util/timefmt.hpp"
#include "skiff/util/units.hpp"

namespace skiff::cli {

// Characters, not bytes: a UTF-8 sequence counts once.
std::string ellipsis(std::string_view s, size_t width) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); i++)
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80)
      starts.push_back(i);
  if (starts.size() <= width)
    return std::string(s);
  if (width == 0)
    return "";
  if (width == 1)
    return std::string(s.substr(0, starts.size() > 1 ? starts[1] : s.size()));
  return std::string(s.substr(0, starts[width - 1])) + "…";
}

nlohmann::json history_row_json(const engine::HistoryRow &row, bool trunc, bool human, int64_t now_ns) {
  std::string id = row.id;
  if (trunc) {
    if (auto colon = id.find(':'); colon != std::string::npos)
      id = id.substr(colon + 1);
    id = id.substr(0, 12);
  }
  std::string by = row.created_by;
  for (char &c : by)
    if (c == '\t')
      c = ' ';
  if (trunc)
    by = ellipsis(by, 45);
  std::string at = timefmt::rfc3339_local(row.created);
  return {{"ID", id},
          {"CreatedAt", at},
          {"CreatedSince", human ? timefmt::human_duration(now_ns - row.created * 1'000'000'000) + " ago" : at},
          {"CreatedBy", by},
          {"Size", human ? units::human_size(static_cast<double>(row.size)) : std::to_string(row.size)},
          {"Comment", row.comment}};
}

} // namespace skiff::cli
