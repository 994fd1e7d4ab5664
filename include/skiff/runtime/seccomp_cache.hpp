// Compiled seccomp programs cached on disk: compiling Docker's profile
// takes ~10 ms, far more than the rest of starting a container.
#pragma once

#include <linux/filter.h>

#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::runtime {

// The program for `profile_json` (empty: Docker's default) and `caps`,
// from `cache_dir` when it was compiled before with the same profile,
// capabilities, kernel, architecture and libseccomp; compiled and stored
// otherwise.
Result<std::vector<sock_filter>> seccomp_program(const std::string &cache_dir,
                                                 std::string_view profile_json,
                                                 const std::vector<std::string> &caps);

} // namespace skiff::runtime
