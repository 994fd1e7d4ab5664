// docker pull and push's progress display. On a terminal each layer keeps
// one line, redrawn in place by cursor moves (Docker's jsonmessage
// rendering): "<id>: Downloading [=====>     ]  12.35MB/45.6MB 3.1MB/s",
// at most every 100 ms per layer. Elsewhere plain lines, without the
// byte counts, as Docker prints to a pipe. The display itself is pure: it
// writes through a sink and reads a clock.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/engine/pull.hpp"

namespace skiff::cli {

// Docker's JSONProgress.String(): a 50-column bar when the terminal is
// wider than 110 columns, then "current/total" in go-units sizes, then
// (wider than 50 columns, while in progress) the rate where Docker puts
// the time left. Empty without bytes.
std::string progress_bar(int64_t current, int64_t total, int width, double bytes_per_second);

class ProgressDisplay {
public:
  using Sink = std::function<void(std::string_view)>;
  using Clock = std::function<int64_t()>;  // milliseconds, monotonic

  ProgressDisplay(Sink sink, bool terminal, int width, Clock clock);
  void show(const engine::ProgressEvent &e);

private:
  struct Line {
    std::string id, status;
    int64_t started = -1;  // first byte count of the current status
    int64_t drawn = -1;
  };

  Sink sink_;
  bool terminal_;
  int width_;
  Clock clock_;
  std::vector<Line> lines_;  // the layers drawn since the last plain line, top first
};

// The display for `stream` (stdout for pull and push, stderr for run):
// redrawn lines when it is a terminal, as wide as that terminal.
ProgressDisplay progress_display(std::FILE *stream);

} // namespace skiff::cli
