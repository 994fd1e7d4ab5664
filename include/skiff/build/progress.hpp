// BuildKit's progress: numbered steps ("#4 [2/3] RUN make"), their output
// with the seconds since the step began, CACHED, DONE with its time,
// ERROR. `plain` prints them as `--progress=plain` does; `quiet` nothing.
// Stages build on threads of their own: each thread has its current
// step, and lines of different steps interleave whole, as BuildKit's do.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace skiff::build {

class Progress {
public:
  enum class Mode { plain, quiet };
  Progress(Mode mode, std::FILE *out) : mode_(mode), out_(out) {}

  // Starts step `name` (a new number) as this thread's current step.
  int begin(std::string_view name);
  // A line about the current step ("transferring context: 2B done").
  void note(std::string_view text);
  // Output of the current step's process, split into timed lines.
  void output(std::string_view data);
  void cached();
  void done();
  void error(std::string_view message);

private:
  struct Step {
    int number = 0;
    std::chrono::steady_clock::time_point started;
    std::string partial;  // output not yet ended by a newline
  };
  Step &current();  // with mu_ held
  void print_lines(Step &s);
  Mode mode_;
  std::FILE *out_;
  std::mutex mu_;
  int last_ = 0;
  std::map<std::thread::id, Step> steps_;
};

} // namespace skiff::build
