// Docker's json-file log driver format: one JSON object per line,
// {"log":"text\n","stream":"stdout","time":"<RFC 3339 nano>"}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::supervisor {

std::string json_log_line(std::string_view text, std::string_view stream, int64_t time_ns);

struct LogEntry {
  std::string log;
  std::string stream;
  int64_t time_ns = 0;
  std::string time_text;
};
std::optional<LogEntry> parse_json_log_line(std::string_view line);

// Splits a stream into log entries at newlines, as Docker does; a partial
// line waits for more, up to 16 KiB, then goes out as it is.
class LineSplitter {
public:
  template <typename Emit> void feed(std::string_view data, Emit &&emit) {
    pending_.append(data);
    size_t start = 0;
    for (;;) {
      size_t nl = pending_.find('\n', start);
      if (nl == std::string::npos)
        break;
      emit(std::string_view(pending_).substr(start, nl + 1 - start));
      start = nl + 1;
    }
    pending_.erase(0, start);
    if (pending_.size() >= kMaxPartial) {
      emit(std::string_view(pending_));
      pending_.clear();
    }
  }
  template <typename Emit> void flush(Emit &&emit) {
    if (!pending_.empty())
      emit(std::string_view(pending_));
    pending_.clear();
  }

private:
  static constexpr size_t kMaxPartial = 16 * 1024;
  std::string pending_;
};

} // namespace skiff::supervisor
