// logs: print (and follow) a container's json-file log.
#include <fcntl.h>
#include <unistd.h>

#include <deque>
#include <thread>

#include <fmt/format.h>

#include "../registry.hpp"
#include "skiff/supervisor/json_log.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::cli {

namespace {

struct LogFilter {
  std::optional<int64_t> since, until;
  bool timestamps = false;
};

void print_entry(const supervisor::LogEntry &e, const LogFilter &f) {
  FILE *out = e.stream == "stderr" ? stderr : stdout;
  if (f.timestamps)
    fmt::print(out, "{} ", e.time_text);
  std::fwrite(e.log.data(), 1, e.log.size(), out);
  std::fflush(out);
}

bool wanted(const supervisor::LogEntry &e, const LogFilter &f) {
  return (!f.since || e.time_ns >= *f.since) && (!f.until || e.time_ns <= *f.until);
}

} // namespace

static int run_logs(Context &ctx, const Args &a) {
  auto id = ctx.container_id(a.positional[0]);
  if (!id)
    return fail(id.error());
  auto eng = ctx.engine();
  LogFilter f;
  f.timestamps = a.flag("timestamps");
  int64_t now = timefmt::now_ns();
  for (const char *k : {"since", "until"}) {
    if (!a.has(k))
      continue;
    auto t = timefmt::parse_time_arg(a.get(k), now);
    if (!t)
      return fail_text(fmt::format("invalid --{} value \"{}\": use a timestamp or a duration such as 10m", k, a.get(k)));
    (std::string(k) == "since" ? f.since : f.until) = *t;
  }
  long long tail = -1;
  if (a.has("tail") && a.get("tail") != "all") {
    auto n = str::to_int(a.get("tail"));
    if (!n)
      return fail_text(fmt::format("invalid --tail \"{}\": a number or \"all\" is needed", a.get("tail")));
    tail = *n;
  }
  std::string path = (*eng)->store().container_dir(*id) + "/ctr.log";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::string pending;
  std::deque<supervisor::LogEntry> first;
  auto consume = [&](bool initial) {
    if (fd < 0)
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) {
      pending.append(buf, static_cast<size_t>(n));
      size_t start = 0, nl;
      while ((nl = pending.find('\n', start)) != std::string::npos) {
        auto e = supervisor::parse_json_log_line(std::string_view(pending).substr(start, nl - start));
        start = nl + 1;
        if (!e || !wanted(*e, f))
          continue;
        if (initial && tail >= 0) {
          first.push_back(std::move(*e));
          if (first.size() > static_cast<size_t>(tail))
            first.pop_front();
        } else {
          print_entry(*e, f);
        }
      }
      pending.erase(0, start);
    }
  };
  consume(true);
  for (const auto &e : first)
    print_entry(e, f);
  if (a.flag("follow")) {
    for (;;) {
      auto v = (*eng)->container(*id);
      bool active = v && (v->state.status == storage::RunStatus::running ||
                          v->state.status == storage::RunStatus::restarting);
      consume(false);
      if (!active)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  if (fd >= 0)
    ::close(fd);
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
