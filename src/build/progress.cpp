// BuildKit's plain progress (progress.hpp), as `docker build
// --progress=plain` prints it.
#include "skiff/build/progress.hpp"

#include <fmt/format.h>

namespace skiff::build {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

int Progress::begin(std::string_view name) {
  ++last_;
  started_ = std::chrono::steady_clock::now();
  partial_.clear();
  if (mode_ == Mode::plain) {
    // BuildKit separates steps with an empty line.
    fmt::print(out_, "{}#{} {}\n", last_ > 1 ? "\n" : "", last_, name);
    std::fflush(out_);
  }
  return last_;
}

void Progress::note(std::string_view text) {
  if (mode_ == Mode::plain)
    fmt::print(out_, "#{} {}\n", last_, text);
}

void Progress::output(std::string_view data) {
  if (mode_ != Mode::plain)
    return;
  partial_.append(data);
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
    fmt::print(out_, "#{} {:.3f} {}\n", last_, seconds_since(started_),
               std::string_view(partial_).substr(start, nl - start));
  partial_.erase(0, start);
  std::fflush(out_);
}

void Progress::flush_partial() {
  if (!partial_.empty())
    output("\n");
}

void Progress::cached() {
  if (mode_ == Mode::plain) {
    fmt::print(out_, "#{} CACHED\n", last_);
    std::fflush(out_);
  }
}

void Progress::done() {
  if (mode_ != Mode::plain)
    return;
  flush_partial();
  fmt::print(out_, "#{} DONE {:.1f}s\n", last_, seconds_since(started_));
  std::fflush(out_);
}

void Progress::error(std::string_view message) {
  if (mode_ != Mode::plain)
    return;
  flush_partial();
  fmt::print(out_, "#{} ERROR: {}\n", last_, message);
  std::fflush(out_);
}

} // namespace skiff::build
