// stop, restart, kill, rm, wait, rename, container prune.
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "../registry.hpp"
#include "skiff/engine/image_filter.hpp"
#include "skiff/util/strings.hpp"
#include "views.hpp"

namespace skiff::cli {

// Runs `action` on each named container; prints the name on success as
// Docker does and keeps going after a failure (exit 1 then). With
// `ignore_missing` a container that does not exist is passed over in
// silence.
template <typename F>
static int each_container(Context &ctx, const Args &a, F action, bool ignore_missing = false) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  int rc = 0;
  for (const auto &name : a.positional) {
    auto id = (*eng)->find_container(name);
    Status s = id ? action(**eng, *id) : Status(id.error());
    if (!s && ignore_missing && s.error().code == Errc::not_found)
      continue;
    if (!s) {
      fail(s.error());
      rc = 1;
      continue;
    }
    fmt::print("{}\n", name);
  }
  return rc;
}

static Result<std::optional<int>> timeout_arg(const Args &a) {
  if (!a.has("time"))
    return std::optional<int>();
  auto t = str::to_int(a.get("time"));
  if (!t)
    return make_error(Errc::invalid, "invalid --time \"{}\": a number of seconds is needed", a.get("time"));
  return std::optional<int>(static_cast<int>(*t));
}

static int run_stop(Context &ctx, const Args &a) {
  auto t = timeout_arg(a);
  if (!t)
    return fail(t.error());
  return each_container(ctx, a, [&](engine::Engine &e, const std::string &id) {
    return e.stop_container(id, *t);
  });
}

static int run_restart(Context &ctx, const Args &a) {
  auto t = timeout_arg(a);
  if (!t)
    return fail(t.error());
  return each_container(ctx, a, [&](engine::Engine &e, const std::string &id) -> Status {
    TRY_STATUS(e.stop_container(id, *t));
    TRY(e.start_container(id, -1));
    return {};
  });
}

// moby 24's kill route words every failure "Cannot kill container: NAME:
// ...", a bad signal's included: the daemon parses it for each container.
static int run_kill(Context &ctx, const Args &a) {
  auto sig = engine::parse_signal(a.get("signal", "KILL"));
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  int rc = 0;
  for (const auto &name : a.positional) {
    Status s = [&]() -> Status {
      if (!sig)
        return sig.error();
      return (*eng)->kill_container(TRY((*eng)->find_container(name)), *sig);
    }();
    if (!s) {
      fail(Error(s.error()).wrap(fmt::format("Cannot kill container: {}", name)));
      rc = 1;
      continue;
    }
    fmt::print("{}\n", name);
  }
  return rc;
}

// `rm -f` of a container that is not there succeeds and says nothing, as
// Docker's does (docker/cli container/rm.go, commit ee4c249, v29.7), so
// `rm -f NAME` cleans up whether NAME exists or not.
static int run_rm(Context &ctx, const Args &a) {
  return each_container(
      ctx, a,
      [&](engine::Engine &e, const std::string &id) {
        return e.remove_container(id, a.flag("force"), a.flag("volumes"));
      },
      a.flag("force"));
}

static int run_wait(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  int rc = 0;
  for (const auto &name : a.positional) {
    auto id = (*eng)->find_container(name);
    auto code = id ? (*eng)->wait_container(*id) : Result<int>(id.error());
    if (!code) {
      fail(code.error());
      rc = 1;
      continue;
    }
    fmt::print("{}\n", *code);
  }
  return rc;
}

static int run_rename(Context &ctx, const Args &a) {
  auto id = ctx.container_id(a.positional[0]);
  if (!id) {
    fail(id.error());
    return fail_text(fmt::format("failed to rename container named {}", a.positional[0]));
  }
  auto s = (*ctx.engine())->rename_container(*id, a.positional[1]);
  if (s)
    return 0;
  // docker/cli's rename adds this line after the daemon's error.
  fail(s.error());
  return fail_text(fmt::format("failed to rename container named {}", a.positional[0]));
}

static int run_prune(Context &ctx, const Args &a) {
  if (!a.flag("force") && !confirm("WARNING! This will remove all stopped containers."))
    return 0;
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto list = (*eng)->containers();
  if (!list)
    return fail(list.error());
  std::vector<std::string> labels;
  for (const auto &f : a.all("filter")) {
    if (f.rfind("label=", 0) != 0)
      return fail_text(fmt::format("invalid filter \"{}\": only label=KEY[=VALUE] is supported", f));
    labels.push_back(f.substr(6));
  }
  fmt::print("Deleted Containers:\n");
  for (const auto &c : *list) {
    if (c.state.status == engine::RunStatus::running || c.state.status == engine::RunStatus::restarting)
      continue;
    if (!engine::labels_match(labels, c.config.labels))
      continue;
    if (auto s = (*eng)->remove_container(c.config.id, false, false); s)
      fmt::print("{}\n", c.config.id);
  }
  fmt::print("\nTotal reclaimed space: 0B\n");
  return 0;
}

Command cmd_stop() {
  return {"stop", "[OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers",
          {{"time", 't', FlagKind::value, "Seconds to wait before killing the container", "none", "int"}},
          "containers-running", true, false, 1, -1, {"container stop"}, run_stop};
}

Command cmd_restart() {
  return {"restart", "[OPTIONS] CONTAINER [CONTAINER...]", "Restart one or more containers",
          {{"time", 't', FlagKind::value, "Seconds to wait before killing the container", "none", "int"}},
          "containers", true, true, 1, -1, {"container restart"}, run_restart};
}

Command cmd_kill() {
  return {"kill", "[OPTIONS] CONTAINER [CONTAINER...]", "Kill one or more running containers",
          {{"signal", 's', FlagKind::value, "Signal to send to the container", "signals", "string"}},
          "containers-running", true, false, 1, -1, {"container kill"}, run_kill};
}

Command cmd_rm() {
  return {"rm", "[OPTIONS] CONTAINER [CONTAINER...]", "Remove one or more containers",
          {{"force", 'f', FlagKind::boolean, "Force the removal of a running container (uses SIGKILL)"},
           {"volumes", 'v', FlagKind::boolean, "Remove anonymous volumes associated with the container"}},
          "containers", true, true, 1, -1, {"container rm"}, run_rm};
}

Command cmd_wait() {
  return {"wait", "CONTAINER [CONTAINER...]", "Block until one or more containers stop, then print their exit codes",
          {}, "containers", true, false, 1, -1, {"container wait"}, run_wait};
}

Command cmd_rename() {
  return {"rename", "CONTAINER NEW_NAME", "Rename a container", {}, "containers", true, false, 2, 2,
          {"container rename"}, run_rename};
}

Command cmd_container_prune() {
  return {"container prune", "[OPTIONS]", "Remove all stopped containers",
          {{"force", 'f', FlagKind::boolean, "Do not prompt for confirmation"},
           {"filter", 0, FlagKind::list, "Provide filter values (e.g. 'label=<key>=<value>')", "none", "filter"}},
          "", true, true, 0, 0, {}, run_prune};
}

} // namespace skiff::cli
