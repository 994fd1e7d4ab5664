// BuildKit's progress (progress.hpp): plain as `docker build
// --progress=plain` prints it, tty as its live view draws it.
#include "skiff/build/progress.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace skiff::build {

namespace {

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Output lines a running step shows under it in the tty view.
constexpr size_t kTailLines = 6;

// `text` cut to `width` columns (bytes: build output is mostly ASCII).
std::string fit(std::string_view text, int width) {
  if (width <= 0)
    return {};
  if (text.size() <= static_cast<size_t>(width))
    return std::string(text);
  return std::string(text.substr(0, static_cast<size_t>(width)));
}

} // namespace

Progress::Progress(Mode mode, std::FILE *out, int columns, int rows)
    : mode_(mode), out_(out), columns_(columns > 20 ? columns : 80), rows_(rows > 4 ? rows : 24) {
  if (mode_ == Mode::tty)
    redraw_ = std::thread([this] { redraw_loop(); });
}

Progress::~Progress() { finish(); }

Progress::Step &Progress::current() { return steps_[current_[std::this_thread::get_id()]]; }

int Progress::begin(std::string_view name) {
  std::lock_guard l(mu_);
  Step s;
  s.number = static_cast<int>(steps_.size()) + 1;
  s.name = name;
  s.started = Clock::now();
  steps_.push_back(std::move(s));
  current_[std::this_thread::get_id()] = steps_.size() - 1;
  if (mode_ == Mode::plain) {
    // BuildKit separates steps with an empty line.
    fmt::print(out_, "{}#{} {}\n", steps_.size() > 1 ? "\n" : "", steps_.back().number, name);
    std::fflush(out_);
  }
  if (mode_ == Mode::tty)
    draw(false);
  return steps_.back().number;
}

void Progress::note(std::string_view text) {
  std::lock_guard l(mu_);
  if (steps_.empty())
    return;
  if (mode_ == Mode::plain)
    fmt::print(out_, "#{} {}\n", current().number, text);
  if (text.ends_with(" done"))
    text.remove_suffix(5);
  current().notes.emplace_back(text);
}

void Progress::print_lines(Step &s) {
  size_t start = 0;
  for (size_t nl; (nl = s.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
    auto line = std::string_view(s.partial).substr(start, nl - start);
    if (mode_ == Mode::plain) {
      fmt::print(out_, "#{} {:.3f} {}\n", s.number, seconds(Clock::now() - s.started), line);
    } else {
      s.log.emplace_back(line);
      s.tail.emplace_back(line);
      if (s.tail.size() > kTailLines)
        s.tail.pop_front();
    }
  }
  s.partial.erase(0, start);
  if (mode_ == Mode::plain)
    std::fflush(out_);
}

void Progress::output(std::string_view data) {
  if (mode_ == Mode::quiet)
    return;
  std::lock_guard l(mu_);
  auto &s = current();
  s.partial.append(data);
  print_lines(s);
}

void Progress::end_step(State state) {
  auto &s = current();
  if (!s.partial.empty()) {
    s.partial += '\n';
    print_lines(s);
  }
  s.state = state;
  s.ended = Clock::now();
}

void Progress::cached() {
  std::lock_guard l(mu_);
  end_step(State::cached);
  if (mode_ == Mode::plain) {
    fmt::print(out_, "#{} CACHED\n", current().number);
    std::fflush(out_);
  }
}

void Progress::done() {
  std::lock_guard l(mu_);
  end_step(State::done);
  auto &s = current();
  if (mode_ == Mode::plain) {
    fmt::print(out_, "#{} DONE {:.1f}s\n", s.number, seconds(s.ended - s.started));
    std::fflush(out_);
  }
}

void Progress::error(std::string_view message) {
  std::lock_guard l(mu_);
  end_step(State::failed);
  auto &s = current();
  if (mode_ == Mode::plain) {
    fmt::print(out_, "#{} ERROR: {}\n", s.number, message);
    std::fflush(out_);
  } else {
    s.notes.push_back(fmt::format("ERROR: {}", message));
  }
}

void Progress::source(std::string_view file, std::string_view text, int first, int last) {
  if (mode_ == Mode::quiet || first < 1)
    return;
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= text.size();) {
    size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos)
      break;
    start = nl + 1;
  }
  last = std::min(std::max(last, first), static_cast<int>(lines.size()));
  std::string out = fmt::format("{}:{}\n--------------------\n", file, first == last ? fmt::format("{}", first)
                                                                                          : fmt::format("{}-{}", first, last));
  // BuildKit shows up to four lines before the failing ones.
  for (int n = std::max(1, first - 4); n <= last; n++)
    out += fmt::format(" {:>3} | {}{}\n", n, n >= first ? ">>> " : "    ", lines[static_cast<size_t>(n - 1)]);
  out += "--------------------\n";
  std::lock_guard l(mu_);
  epilogue_ += out;
}

void Progress::finish() {
  {
    std::lock_guard l(mu_);
    if (finished_)
      return;
    finished_ = true;
    if (mode_ == Mode::tty)
      draw(true);
    fmt::print(out_, "{}", epilogue_);
    std::fflush(out_);
  }
  wake_.notify_all();
  if (redraw_.joinable())
    redraw_.join();
}

void Progress::redraw_loop() {
  std::unique_lock l(mu_);
  while (!finished_) {
    wake_.wait_for(l, std::chrono::milliseconds(100));
    if (!finished_)
      draw(false);
  }
}

// BuildKit's tty view, redrawn over the last one: the header, then a
// line a step (" => [2/3] RUN make     1.2s"), its notes (" => => ..."),
// and under a running step the last lines of its output.
void Progress::draw(bool final) {
  auto now = Clock::now();
  std::vector<std::string> lines;
  int finished = 0;
  for (const auto &s : steps_)
    finished += s.state != State::running;
  lines.push_back(fmt::format("[+] Building {:.1f}s ({}/{}){}", seconds(now - started_), finished, steps_.size(),
                              final ? " FINISHED" : ""));
  auto row = [&](std::string_view prefix, std::string_view text, double secs) {
    std::string time = fmt::format("{:.1f}s", secs);
    int room = columns_ - static_cast<int>(prefix.size() + time.size()) - 2;
    std::string body = fit(text, room);
    lines.push_back(fmt::format("{}{}{:>{}}", prefix, body, time,
                                static_cast<size_t>(columns_) - prefix.size() - body.size() - 1));
  };
  for (const auto &s : steps_) {
    double secs = seconds((s.state == State::running ? now : s.ended) - s.started);
    std::string name = s.state == State::cached ? "CACHED " + s.name
                       : s.state == State::failed ? "ERROR " + s.name : s.name;
    row(" => ", name, secs);
    for (const auto &n : s.notes)
      row(" => => ", n, secs);
    if (s.state == State::running || (final && s.state == State::failed))
      for (const auto &t : (final ? std::deque<std::string>(s.log.begin(), s.log.end()) : s.tail))
        lines.push_back(fit(" => => # " + t, columns_ - 1));
  }
  // What fits on the screen: the header and the newest lines.
  if (!final && lines.size() > static_cast<size_t>(rows_ - 1))
    lines.erase(lines.begin() + 1, lines.end() - (rows_ - 2));
  std::string out;
  if (drawn_ > 0)
    out += fmt::format("\x1b[{}F", drawn_);
  out += "\x1b[J";
  for (const auto &l : lines)
    out += l + "\n";
  fmt::print(out_, "{}", out);
  std::fflush(out_);
  drawn_ = static_cast<int>(lines.size());
}

} // namespace skiff::build
