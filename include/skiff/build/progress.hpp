// BuildKit's progress: numbered steps ("#4 [2/3] RUN make"), their output
// with the seconds since the step began, CACHED, DONE with its time,
// ERROR. `plain` prints them as `--progress=plain` does; `tty` redraws
// BuildKit's live view in place ("[+] Building 1.2s (4/7)", a line a
// step with its time, the last lines of each running step's output);
// `quiet` prints nothing. Stages build on threads of their own: each
// thread has its current step.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace skiff::build {

class Progress {
public:
  enum class Mode { plain, tty, quiet };
  // `columns` and `rows`: the terminal's size, for tty.
  Progress(Mode mode, std::FILE *out, int columns = 80, int rows = 24);
  ~Progress();
  Progress(const Progress &) = delete;
  Progress &operator=(const Progress &) = delete;

  // Starts step `name` (a new number) as this thread's current step.
  int begin(std::string_view name);
  // A line about the current step ("transferring context: 2B done").
  void note(std::string_view text);
  // Output of the current step's process, split into timed lines.
  void output(std::string_view data);
  void cached();
  void done();
  void error(std::string_view message);
  // Where a failure is in the Dockerfile, as BuildKit shows it after the
  // steps: the file and line, then the lines up to `last` (1-based), the
  // failing ones marked ">>>". Printed by finish(), after the steps.
  void source(std::string_view file, std::string_view text, int first, int last);
  // The build is over: tty draws its last view (and the output of a step
  // that failed) and stops redrawing.
  void finish();

private:
  using Clock = std::chrono::steady_clock;
  enum class State { running, done, cached, failed };
  struct Step {
    int number = 0;
    std::string name;
    State state = State::running;
    Clock::time_point started, ended;
    std::string partial;  // output not yet ended by a newline
    std::vector<std::string> notes;
    std::deque<std::string> tail;  // tty: the last lines of output
    std::vector<std::string> log;  // tty: all of it, shown if the step fails
  };
  Step &current();  // with mu_ held
  void print_lines(Step &s);
  void end_step(State state);
  void draw(bool final);  // with mu_ held
  void redraw_loop();

  Mode mode_;
  std::FILE *out_;
  int columns_, rows_;
  Clock::time_point started_ = Clock::now();
  std::mutex mu_;
  std::condition_variable wake_;
  bool finished_ = false;
  int drawn_ = 0;  // lines of the last tty view
  std::vector<Step> steps_;
  std::string epilogue_;  // source(): printed by finish()
  std::map<std::thread::id, size_t> current_;  // each thread's step, in steps_
  std::thread redraw_;
};

} // namespace skiff::build
