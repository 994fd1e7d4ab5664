// /proc/PID/mountinfo, parsed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff {

struct MountInfo {
  std::string root;           // the mounted directory of its file system
  std::string mount_point;    // unescaped
  std::string fstype;
  std::string source;
  std::string super_options;  // "rw,cpu,cpuacct"
  bool shared = false;        // an optional field "shared:N"
};

// One entry per well-formed line, in the file's order (parents first).
std::vector<MountInfo> parse_mountinfo(std::string_view text);

} // namespace skiff
