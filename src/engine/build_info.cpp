// The version, commit and compiler of this binary.
#include "skiff/engine/build_info.hpp"

#include <ctime>
#include <string_view>

#include <fmt/format.h>

#include "skiff_build.h"
#include "skiff_config.h"

namespace skiff::engine {

BuildInfo build_info() {
  BuildInfo b;
  b.version = SKIFF_VERSION;
#ifdef __clang__
  b.compiler = "clang " __clang_version__;
#else
  b.compiler = "g++ " __VERSION__;
#endif
  std::string_view vcs = SKIFF_VCS;
  if (auto sp = vcs.find(' '); sp != std::string_view::npos) {
    b.git_commit = std::string(vcs.substr(0, sp));
    for (char c : vcs.substr(sp + 1))
      if (c >= '0' && c <= '9')
        b.build_time = b.build_time * 10 + (c - '0');
  }
  return b;
}

static std::tm utc(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return tm;
}

std::string api_build_time(int64_t seconds) {
  if (seconds <= 0)
    return "";
  std::tm tm = utc(seconds);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000000000+00:00", &tm);
  return std::string(buf, n);
}

std::string ansic_time(int64_t seconds) {
  if (seconds <= 0)
    return "";
  // Go's ANSIC pads the day with a space ("May  7"), as %e does.
  std::tm tm = utc(seconds);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm);
  return std::string(buf, n);
}

} // namespace skiff::engine
