#include "pid_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::network::detail {

pid_t stop_by_pid_file(const std::string &pid_file, std::initializer_list<std::string_view> names) {
  auto text = fs::read_file(pid_file);
  if (!text)
    return 0;
  pid_t stopped = 0;
  auto pid = str::to_int(str::trim(*text));
  if (pid && *pid > 0) {
    auto comm = fs::read_file(fmt::format("/proc/{}/comm", *pid));
    bool same = false;
    for (auto n : names)
      same = same || (comm && comm->rfind(n, 0) == 0);
    if (same && ::kill(static_cast<pid_t>(*pid), SIGTERM) == 0)
      stopped = static_cast<pid_t>(*pid);
  }
  ::unlink(pid_file.c_str());
  return stopped;
}

} // namespace skiff::network::detail
