// Runs a helper program to completion: a credential helper, say.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::sys {

struct ProgramResult {
  int status = 0;      // exit code; 128 + signal when killed
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (looked up in PATH unless it holds a '/') with `input` on
// its stdin. Not finding the program is an Errc::not_found error.
Result<ProgramResult> run_program(const std::vector<std::string> &argv, std::string_view input);

// The same in two steps, so that several programs run at once: started
// with `input` fed to it, and later waited for.
class RunningProgram {
 public:
  RunningProgram(pid_t pid, UniqueFd output) : pid_(pid), output_(std::move(output)) {}
  RunningProgram(RunningProgram &&o) noexcept : pid_(std::exchange(o.pid_, -1)), output_(std::move(o.output_)) {}
  RunningProgram &operator=(RunningProgram &&) = delete;
  ~RunningProgram();
  ProgramResult wait();

 private:
  pid_t pid_;
  UniqueFd output_;
};

Result<RunningProgram> start_program(const std::vector<std::string> &argv, std::string_view input);

} // namespace skiff::sys
