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

Progress::Step &Progress::current() { return steps_[std::this_thread::get_id()]; }

int Progress::begin(std::string_view name) {
  std::lock_guard l(mu_);
  auto &s = current();
  s = Step{++last_, std::chrono::steady_clock::now(), {}};
  if (mode_ == Mode::plain) {
    // BuildKit separates steps with an empty line.
    fmt::print(out_, "{}#{} {}\n", last_ > 1 ? "\n" : "", s.number, name);
    std::fflush(out_);
  }
  return s.number;
}

void Progress::note(std::string_view text) {
  std::lock_guard l(mu_);
  if (mode_ == Mode::plain)
    fmt::print(out_, "#{} {}\n", current().number, text);
}

void Progress::print_lines(Step &s) {
  size_t start = 0;
  for (size_t nl; (nl = s.partial.find('\n', start)) != std::string::npos; start = nl + 1)
    fmt::print(out_, "#{} {:.3f} {}\n", s.number, seconds_since(s.started),
               std::string_view(s.partial).substr(start, nl - start));
  s.partial.erase(0, start);
  std::fflush(out_);
}

void Progress::output(std::string_view data) {
  if (mode_ != Mode::plain)
    return;
  std::lock_guard l(mu_);
  auto &s = current();
  s.partial.append(data);
  print_lines(s);
}

void Progress::cached() {
  std::lock_guard l(mu_);
  if (mode_ == Mode::plain) {
    fmt::print(out_, "#{} CACHED\n", current().number);
    std::fflush(out_);
  }
}

void Progress::done() {
  if (mode_ != Mode::plain)
    return;
  std::lock_guard l(mu_);
  auto &s = current();
  if (!s.partial.empty()) {
    s.partial += '\n';
    print_lines(s);
  }
  fmt::print(out_, "#{} DONE {:.1f}s\n", s.number, seconds_since(s.started));
  std::fflush(out_);
}

void Progress::error(std::string_view message) {
  if (mode_ != Mode::plain)
    return;
  std::lock_guard l(mu_);
  auto &s = current();
  if (!s.partial.empty()) {
    s.partial += '\n';
    print_lines(s);
  }
  fmt::print(out_, "#{} ERROR: {}\n", s.number, message);
  std::fflush(out_);
}

} // namespace skiff::build
