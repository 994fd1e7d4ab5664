// logs: print (and follow) a container's json-file log.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "../registry.hpp"
#include "skiff/engine/logs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::cli {

namespace {

// Writes a piece of output whole; false once the reader is gone.
bool write_out(bool is_stderr, std::string_view data) {
  int fd = is_stderr ? STDERR_FILENO : STDOUT_FILENO;
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

} // namespace

static int run_logs(Context &ctx, const Args &a) {
  auto id = ctx.container_id(a.positional[0]);
  if (!id)
    return fail(id.error());
  auto eng = ctx.engine();
  engine::LogsRequest r;
  r.timestamps = a.flag("timestamps");
  r.follow = a.flag("follow");
  int64_t now = timefmt::now_ns();
  for (const char *k : {"since", "until"}) {
    if (!a.has(k))
      continue;
    auto t = timefmt::parse_time_arg(a.get(k), now);
    if (!t)  // docker/cli's client and Go's timetypes, word for word
      return fail_text(fmt::format("invalid value for \"{}\": failed to parse value as time or duration: \"{}\"", k,
                                   a.get(k)));
    (std::string(k) == "since" ? r.since : r.until) = *t;
  }
  // moby's daemon takes a --tail it cannot read as a number, or a
  // negative one, for "all" (daemon/logs.go).
  if (a.has("tail") && a.get("tail") != "all") {
    if (auto n = str::to_int(a.get("tail")))
      r.tail = *n;
  }
  if (auto s = (*eng)->container_logs(*id, r, write_out); !s)
    return fail(s.error());
  return 0;
}

Command cmd_logs() {
  return {"logs", "[OPTIONS] CONTAINER", "Fetch the logs of a container",
          {{"follow", 'f', FlagKind::boolean, "Follow log output"},
           {"since", 0, FlagKind::value, "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)", "none", "string"},
           {"tail", 'n', FlagKind::value, "Number of lines to show from the end of the logs", "none", "string"},
           {"timestamps", 't', FlagKind::boolean, "Show timestamps"},
           {"until", 0, FlagKind::value, "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)", "none", "string"}},
          "containers", true, false, 1, 1, {"container logs"}, run_logs};
}

} // namespace skiff::cli
