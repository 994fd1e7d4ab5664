#include "skiff/cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "skiff/util/units.hpp"

namespace skiff::cli {

namespace {

constexpr int64_t kRedrawMs = 100;
constexpr int kDefaultWidth = 200;  // Docker's, when the width is unknown

// go-units' HumanSize: four significant digits.
std::string size4(int64_t bytes) { return units::human_size(static_cast<double>(bytes), 4); }

} // namespace

std::string progress_bar(int64_t current, int64_t total, int width, double bytes_per_second) {
  if (current <= 0 && total <= 0)
    return "";
  if (total <= 0)
    return fmt::format("{:>8}", size4(current));
  int percent = std::min(50, static_cast<int>(static_cast<double>(current) / static_cast<double>(total) * 100) / 2);
  std::string out;
  if (width > 110)
    out = "[" + std::string(static_cast<size_t>(percent), '=') + ">" +
          std::string(static_cast<size_t>(50 - percent), ' ') + "] ";
  // A current beyond the total is shown alone, as Docker does.
  out += current > total ? fmt::format("{:>8}", size4(current))
                         : fmt::format("{:>8}/{}", size4(current), size4(total));
  if (bytes_per_second > 0 && percent < 50 && width > 50)
    out += " " + units::human_size(bytes_per_second, 3) + "/s";
  return out;
}

ProgressDisplay::ProgressDisplay(Sink sink, bool terminal, int width, Clock clock)
    : sink_(std::move(sink)), terminal_(terminal), width_(width > 0 ? width : kDefaultWidth),
      clock_(std::move(clock)) {}

void ProgressDisplay::show(const engine::ProgressEvent &e) {
  bool counts = e.current > 0 || e.total > 0;
  if (!terminal_) {
    if (!counts)
      sink_(e.id.empty() ? e.status + "\n" : e.id + ": " + e.status + "\n");
    return;
  }
  if (e.id.empty()) {
    // Lines above a plain one are not redrawn any more (pull -a's tags).
    lines_.clear();
    sink_(e.status + "\n");
    return;
  }
  int64_t now = clock_();
  auto it = std::find_if(lines_.begin(), lines_.end(), [&](const Line &l) { return l.id == e.id; });
  std::string out;
  if (it == lines_.end()) {
    lines_.push_back({e.id, "", -1, -1});
    it = std::prev(lines_.end());
    out = "\n";
  } else if (counts && it->status == e.status && e.current < e.total && now - it->drawn < kRedrawMs) {
    return;
  }
  if (!counts || it->status != e.status)
    it->started = counts ? now : -1;
  double rate = 0;
  if (counts && now > it->started)
    rate = static_cast<double>(e.current) * 1000.0 / static_cast<double>(now - it->started);
  it->status = e.status;
  it->drawn = now;
  // Up to the layer's line, clear it, write it, and back down below the last.
  size_t up = static_cast<size_t>(lines_.end() - it);
  out += fmt::format("\x1b[{}A\x1b[2K\r{}: {} {}\r\x1b[{}B", up, e.id, e.status,
                     progress_bar(e.current, e.total, width_, rate), up);
  sink_(out);
}

ProgressDisplay progress_display(std::FILE *stream) {
  int fd = ::fileno(stream);
  bool terminal = ::isatty(fd) == 1;
  winsize ws{};
  int width = terminal && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
  return ProgressDisplay(
      [stream](std::string_view text) {
        std::fwrite(text.data(), 1, text.size(), stream);
        std::fflush(stream);
      },
      terminal, width,
      [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
      });
}

} // namespace skiff::cli
