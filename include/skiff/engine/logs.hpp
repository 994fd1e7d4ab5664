// Reading a container's json-file log, as `logs` prints it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::engine {

struct LogsRequest {
  std::optional<int64_t> since, until;  // ns since the epoch
  long long tail = -1;                  // lines from the end; negative: all
  bool follow = false;
  bool timestamps = false;
};

// Receives the output in large pieces, each from one stream; false stops
// the reading (the reader went away).
using LogSink = std::function<bool(bool is_stderr, std::string_view data)>;

// Turns whole json-file lines into what docker logs prints: --since and
// --until applied, -t's time in front; lines of one stream in a row are
// handed to the sink together.
class LogRenderer {
public:
  static constexpr size_t kChunk = 256 * 1024;

  LogRenderer(const LogsRequest &r, LogSink sink);
  // Takes whole lines, each ending in a newline (a line that is no log
  // entry is skipped). False once there is nothing more to print: a line
  // past --until was met (Docker stops there) or the sink said stop.
  bool feed(std::string_view lines);
  // Hands over what is pending; false if the sink said stop.
  bool flush();

private:
  // Renders the line at the start of `data`; `used`: its length.
  bool take(std::string_view data, size_t &used);
  bool switch_to(bool is_stderr);
  void append(std::string_view s);

  LogsRequest req_;
  LogSink sink_;
  // The output, written by pointer; a run of lines decodes straight onto
  // it, into room for as many bytes as they take in the log.
  std::unique_ptr<char[]> out_;
  size_t out_size_ = 0, out_cap_ = 0;
  bool out_stderr_ = false;
  bool done_ = false;
  std::string text_, scratch_;
};

// Where the last `n` whole lines of a file of `size` bytes start, found by
// reading backwards from its end; bytes after the last newline (a line
// still being written) are no line.
Result<int64_t> tail_offset(int fd, int64_t size, long long n);

} // namespace skiff::engine
