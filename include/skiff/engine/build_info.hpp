// What this skiff binary is, for `version` and `info`: Docker's Client and
// Engine fields, with the compiler standing where Docker names its Go.
#pragma once

#include <cstdint>
#include <string>

namespace skiff::engine {

// The Engine API version skiff's shapes follow (Docker 24's) and the
// oldest Docker accepts.
inline constexpr const char *kApiVersion = "1.43";
inline constexpr const char *kMinApiVersion = "1.12";

struct BuildInfo {
  std::string version;     // "0.1.0"
  std::string git_commit;  // short commit hash; empty outside a checkout
  std::string compiler;    // "g++ 12.2.0", GoVersion's place
  int64_t build_time = 0;  // the commit's time (seconds): reproducible
};
BuildInfo build_info();

// Docker's two spellings of a build time (UTC): the Engine API's
// "2025-05-30T12:07:14.000000000+00:00" and the CLI's Go time.ANSIC
// "Fri May 30 12:07:14 2025". Empty for 0 (unknown).
std::string api_build_time(int64_t seconds);
std::string ansic_time(int64_t seconds);

} // namespace skiff::engine
