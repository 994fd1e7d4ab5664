// Docker's json-file log driver format: one JSON object per line,
// {"log":"text\n","stream":"stdout","time":"<RFC 3339 nano>"}.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::supervisor {

// Appends the json-file line for `text` to `out`; `time_text` is the time
// it was read, as timefmt::rfc3339nano writes it (formatted once for all
// the lines of one read).
void append_json_log_line(std::string &out, std::string_view text, std::string_view stream,
                          std::string_view time_text);
std::string json_log_line(std::string_view text, std::string_view stream, int64_t time_ns);

// One decoded line; the views point into the line itself, or into
// `scratch` when the line had to go through a JSON parser.
struct LogFields {
  bool is_stderr = false;
  std::string_view time_text;
};
// Decodes the line at the start of `data` (up to its first newline, or
// all of it), appending the log text to `text`; `used` is set to the bytes
// it took, newline included. Lines as the supervisor writes them are
// decoded in one pass; any other JSON object (other key order, extra
// keys) goes through a JSON parser. nullopt, with `text` unchanged, if it
// is no log entry.
std::optional<LogFields> decode_json_log_line(std::string_view data, size_t &used,
                                              std::string &text, std::string &scratch);
// A run of lines decoded by decode_json_log_run.
struct LogRun {
  size_t used = 0;     // bytes of input: whole lines
  size_t written = 0;  // bytes of text
};
// Room decode_json_log_run needs past data.size() bytes.
constexpr size_t kRunSlack = 16;
// Decodes the lines at the start of `data` that have the exact shape the
// supervisor writes and are of the stream `is_stderr`, writing their text
// at `out`, which has room for data.size() + kRunSlack bytes (text is
// never longer than its line); stops before the first other line (of the
// other stream, of another shape, without its newline). The fast way
// through a long log.
LogRun decode_json_log_run(std::string_view data, bool is_stderr, char *out);
// The same for exactly one line, without its newline.
std::optional<LogFields> decode_json_log_line(std::string_view line, std::string &text,
                                              std::string &scratch);

// Splits a stream into log entries at newlines, as Docker does; a partial
// line waits for more, and goes out in 16 KiB pieces once it is that long
// (Docker's copier buffer).
class LineSplitter {
public:
  static constexpr size_t kMaxPartial = 16 * 1024;

  template <typename Emit> void feed(std::string_view data, Emit &&emit) {
    if (!pending_.empty()) {
      size_t nl = data.find('\n');
      size_t take = std::min(nl == std::string_view::npos ? data.size() : nl + 1,
                             kMaxPartial - pending_.size());
      pending_.append(data.substr(0, take));
      data.remove_prefix(take);
      if (pending_.back() != '\n' && pending_.size() < kMaxPartial)
        return;
      emit(std::string_view(pending_));
      pending_.clear();
    }
    // Whole lines are emitted straight from `data`, without a copy.
    for (;;) {
      size_t nl = data.substr(0, kMaxPartial).find('\n');
      if (nl == std::string_view::npos && data.size() < kMaxPartial)
        break;
      size_t n = nl == std::string_view::npos ? kMaxPartial : nl + 1;
      emit(data.substr(0, n));
      data.remove_prefix(n);
    }
    pending_.assign(data);
  }
  template <typename Emit> void flush(Emit &&emit) {
    if (!pending_.empty())
      emit(std::string_view(pending_));
    pending_.clear();
  }

private:
  std::string pending_;
};

} // namespace skiff::supervisor
