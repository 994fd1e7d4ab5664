// The supervisor's json-file writer. Lines are encoded into a buffer and
// written with one write(2) once it holds 64 KiB or its oldest line has
// waited 20 ms, and when the container's output ends (before its exit is
// recorded). Only whole encoded lines are ever in the buffer, so a reader
// of the file never meets a line the supervisor cut in two; the buffer
// holds at most 64 KiB plus one line (a line is at most 16 KiB of text).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "skiff/util/fd.hpp"

namespace skiff::supervisor {

class LogWriter {
public:
  static constexpr size_t kFlushBytes = 64 * 1024;
  static constexpr int64_t kMaxDelayNs = 20'000'000;

  LogWriter() = default;  // --log-driver none: every line is dropped
  explicit LogWriter(UniqueFd fd) : fd_(std::move(fd)) {}
  bool enabled() const { return static_cast<bool>(fd_); }

  // Adds one line read at `time_ns` (the lines of one read share it, and
  // its text is formatted once).
  void add(std::string_view line, std::string_view stream, int64_t time_ns);
  bool pending() const { return !buf_.empty(); }
  // Milliseconds until the buffer must be written; -1 when it is empty.
  int due_in_ms(int64_t now_ns) const;
  // Writes the buffer if its oldest line has waited long enough.
  void flush_if_due(int64_t now_ns);
  void flush();

private:
  UniqueFd fd_;
  std::string buf_;
  int64_t oldest_ns_ = 0;  // when the first line in buf_ was read
  int64_t stamp_ns_ = -1;  // the time stamp_ holds
  std::string stamp_;
};

} // namespace skiff::supervisor
