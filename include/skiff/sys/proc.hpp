// Process facts from /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::sys {

// Start time of `pid` in clock ticks since boot (field 22 of
// /proc/PID/stat), 0 when there is no such process. A PID with the same
// start time is the same process, not a reused number.
uint64_t process_start_time(pid_t pid);
bool process_alive(pid_t pid, uint64_t start_time);

// A process named in a file as "<pid> <start time>\n", so that a reused
// pid is not taken for it.
struct ProcessRef {
  pid_t pid = 0;
  uint64_t start = 0;
};
ProcessRef this_process();
std::string format_process_ref(const ProcessRef &p);
// Nothing unless the text is two positive numbers.
std::optional<ProcessRef> parse_process_ref(std::string_view text);

// The processes whose parent is `parent` (field 4 of each /proc/PID/stat),
// in /proc's order. A scan of /proc: this kernel has no
// /proc/PID/task/TID/children.
std::vector<pid_t> child_processes(pid_t parent);

} // namespace skiff::sys
