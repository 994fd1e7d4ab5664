// docker history's rows as --format sees them (docker/cli's historyContext):
// ID, CreatedSince, CreatedAt, CreatedBy, Size, Comment. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "skiff/engine/history.hpp"

namespace skiff::cli {

// `trunc`: short IDs and CREATED BY cut to 45 columns; `human`: "3 days
// ago" and "1.23MB" instead of RFC 3339 times and bytes.
nlohmann::json history_row_json(const engine::HistoryRow &row, bool trunc, bool human, int64_t now_ns);

// docker/cli's Ellipsis: at most `width` characters, the last one "…"
// when cut.
std::string ellipsis(std::string_view s, size_t width);

} // namespace skiff::cli
