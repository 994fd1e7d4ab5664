#include "child_channel.hpp"

#include <unistd.h>

#include <string>

#include "skiff/util/strings.hpp"

namespace skiff::runtime::detail {

std::optional<Error> read_child_error(int fd) {
  std::string msg;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    msg.append(buf, static_cast<size_t>(n));
  }
  if (msg.empty())
    return std::nullopt;
  Error e{Errc::failed, msg, kExitRuntime};
  if (auto c = str::cut(msg, ' ')) {
    e.exit_code = static_cast<int>(str::to_int(c->first).value_or(kExitRuntime));
    e.message = c->second;
  }
  return e;
}

} // namespace skiff::runtime::detail
