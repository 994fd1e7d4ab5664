#include "skiff/supervisor/json_log.hpp"

#include <nlohmann/json.hpp>

#include "skiff/util/timefmt.hpp"

namespace skiff::supervisor {

std::string json_log_line(std::string_view text, std::string_view stream, int64_t time_ns) {
  nlohmann::json j = {{"log", std::string(text)},
                      {"stream", std::string(stream)},
                      {"time", timefmt::rfc3339nano(time_ns)}};
  // Invalid UTF-8 from a program is replaced rather than refused.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<LogEntry> parse_json_log_line(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  LogEntry e;
  e.log = j.value("log", "");
  e.stream = j.value("stream", "stdout");
  e.time_text = j.value("time", "");
  e.time_ns = timefmt::parse_rfc3339(e.time_text).value_or(0);
  return e;
}

} // namespace skiff::supervisor
