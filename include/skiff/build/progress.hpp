// BuildKit's progress: numbered steps ("#4 [2/3] RUN make"), their output
// with the seconds since the step began, CACHED, DONE with its time,
// ERROR. `plain` prints them as `--progress=plain` does; `quiet` nothing.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace skiff::build {

class Progress {
public:
  enum class Mode { plain, quiet };
  Progress(Mode mode, std::FILE *out) : mode_(mode), out_(out) {}

  // Starts step `name` (a new number) and returns its number.
  int begin(std::string_view name);
  // A line about the current step ("transferring context: 2B done").
  void note(std::string_view text);
  // Output of the current step's process, split into timed lines.
  void output(std::string_view data);
  void cached();
  void done();
  void error(std::string_view message);

private:
  void flush_partial();
  Mode mode_;
  std::FILE *out_;
  int last_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::string partial_;  // output not yet ended by a newline
};

} // namespace skiff::build
