// Runs a helper program to completion: a credential helper, say.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::sys {

struct ProgramResult {
  int status = 0;      // exit code; 128 + signal when killed
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (looked up in PATH unless it holds a '/') with `input` on
// its stdin. Not finding the program is an Errc::not_found error.
Result<ProgramResult> run_program(const std::vector<std::string> &argv, std::string_view input);

} // namespace skiff::sys
