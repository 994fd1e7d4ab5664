// run, create and start: make a container and (for run/start) start it,
// attached in the foreground or detached.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "../access_flags.hpp"
#include "../attach_client.hpp"
#include "../registry.hpp"
#include "../tty_flags.hpp"
#include "skiff/cli/progress.hpp"
#include "skiff/cli/run_options.hpp"
#include "skiff/engine/pull.hpp"
#include "skiff/engine/launch_plan.hpp"

extern char **environ;

namespace skiff::cli {

static std::vector<std::string> host_environment() {
  std::vector<std::string> out;
  for (char **e = environ; e && *e; e++)
    out.emplace_back(*e);
  return out;
}

// The container's options from the flags, then its image, pulled first as
// --pull says (the pull talks on stderr, as stdout is for the container or
// create's ID); the engine merges the two.
// `run`: a run, whose foreground -i closes stdin with its client.
static Result<std::string> create_from_args(engine::Engine &eng, const Args &a, engine::PullPolicy policy,
                                            bool run) {
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  if (ec)
    return make_error(Errc::failed, "finding the working directory: {}", ec.message());
  auto options = TRY(create_options(a, host_environment(), cwd));
  options.stdin_once = run && options.attach_stdin;
  // docker/cli's warning; the bindings stay in the config, as Docker keeps them.
  if (options.networks.size() == 1 && options.networks[0] == "host" && !options.publish.empty())
    fmt::print(stderr, "WARNING: Published ports are discarded when using host network mode\n");
  engine::ImageRequest req{options.image, policy, registry_access(a)};
  bool quiet = a.flag("quiet");
  auto display = progress_display(stderr);
  auto img = TRY(engine::image_for_container(eng, req, [&](const engine::ProgressEvent &e) {
    if (!quiet)
      display.show(e);
  }));
  return eng.create_container(options, img, a.flag("replace"));
}

// How a foreground run or start -a connects to the container.
struct Foreground {
  bool stdin_open = false;  // this stdin goes to the container
  bool sig_proxy = true;
  std::string detach_keys;
};

// Starts `id` with a session attached from the first byte of output, and
// streams until it exits or the user detaches. `publish_failed`: set when
// the start failed on its published ports.
static SessionEnd start_attached(engine::Engine &eng, const std::string &id, const Foreground &f,
                                 bool *publish_failed = nullptr) {
  auto view = eng.container(id);
  if (!view)
    return {fail(view.error()), false};
  int sp[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
    return {fail(sys_error("creating the attach socket")), false};
  auto pid = eng.start_container(id, sp[1]);
  ::close(sp[1]);
  if (!pid) {
    ::close(sp[0]);
    if (publish_failed)
      *publish_failed = engine::is_publish_failure(pid.error());
    return {fail(pid.error()), false};
  }
  AttachOptions o;
  o.tty = view->config.tty;
  o.stdin_open = f.stdin_open && view->config.open_stdin;
  o.pid = *pid;
  o.sig_proxy = f.sig_proxy;
  o.detach_keys = f.detach_keys;
  auto end = attach_session(sp[0], o);
  ::close(sp[0]);
  return end;
}

static int run_run(Context &ctx, const Args &a) {
  auto policy = engine::parse_pull_policy(a.get("pull", "missing"));
  if (!policy)
    return fail(policy.error());
  bool detach = a.flag("detach");
  // Before anything is created or pulled, as Docker checks.
  if (auto s = check_tty(a.flag("interactive"), a.flag("tty")); !detach && !s)
    return fail(s.error());
  auto keys = detach_keys(a);
  if (!keys)
    return fail(keys.error());
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto id = create_from_args(**eng, a, *policy, true);
  if (!id)
    return fail(id.error());
  if (detach) {
    auto pid = (*eng)->start_container(*id, -1);
    if (!pid) {
      if ((*eng)->container(*id) && (a.flag("rm") || engine::is_publish_failure(pid.error())))
        (void)(*eng)->remove_container(*id, true, true);
      return fail(pid.error());
    }
    fmt::print("{}\n", *id);
    return 0;
  }
  // Docker's run forwards signals with or without a terminal.
  Foreground f{a.flag("interactive"), !a.has("sig-proxy") || a.flag("sig-proxy"), *keys};
  bool publish_failed = false;
  auto end = start_attached(**eng, *id, f, &publish_failed);
  if (end.detached)
    return 0;  // the container runs on; its supervisor removes it (--rm) when it exits
  // A run whose ports could not be bound leaves nothing behind (the issue
  // asks it; Docker leaves the created container).
  if ((a.flag("rm") || publish_failed) && (*eng)->container(*id))
    (void)(*eng)->remove_container(*id, true, true);
  return end.exit_code;
}

static int run_create(Context &ctx, const Args &a) {
  auto policy = engine::parse_pull_policy(a.get("pull", "missing"));
  if (!policy)
    return fail(policy.error());
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto id = create_from_args(**eng, a, *policy, false);
  if (!id)
    return fail(id.error());
  fmt::print("{}\n", *id);
  return 0;
}

static int run_start(Context &ctx, const Args &a) {
  auto keys = detach_keys(a);
  if (!keys)
    return fail(keys.error());
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  bool attach = a.flag("attach") || a.flag("interactive");
  if (attach && a.positional.size() > 1)
    return fail_text("you cannot start and attach multiple containers at once");
  int rc = 0;
  std::vector<std::string> failed;
  for (const auto &name : a.positional) {
    auto id = (*eng)->find_container(name);
    if (!id) {
      rc = fail(id.error());
      failed.push_back(name);
      continue;
    }
    if (attach) {
      auto view = (*eng)->container(*id);
      if (!view)
        return fail(view.error());
      // Docker's start forwards signals only to a container without a
      // terminal: with one, closing this terminal must not end it.
      Foreground f{a.flag("interactive"), !view->config.tty, *keys};
      auto end = start_attached(**eng, *id, f);
      return end.detached ? 0 : end.exit_code;
    }
    auto pid = (*eng)->start_container(*id, -1);
    if (!pid) {
      fail(pid.error());  // a daemon error in Docker, whatever the process's code: exit 1
      rc = 1;
      failed.push_back(name);
      continue;
    }
    fmt::print("{}\n", name);
  }
  // docker/cli's start ends with this line when any container failed.
  if (!failed.empty())
    fail_text(fmt::format("failed to start containers: {}", fmt::join(failed, ", ")));
  return rc;
}

// The container's flags, plus how its image is pulled when it is.
static std::vector<Flag> run_flags() {
  auto flags = container_create_flags();
  auto access = registry_access_flags();
  flags.insert(flags.end(), access.begin(), access.end());
  flags.push_back({"pull", 0, FlagKind::value,
                   "Pull image before creating (\"always\", \"missing\", \"never\")",
                   "pull-policies", "string"});
  flags.push_back({"quiet", 'q', FlagKind::boolean, "Suppress the pull output"});
  flags.push_back(detach_keys_flag());
  std::sort(flags.begin(), flags.end(), [](const Flag &x, const Flag &y) { return x.name < y.name; });
  return flags;
}

Command cmd_run() {
  return {"run", "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create and run a new container from an image",
          run_flags(), "images", false, true, 1, -1, {"container run"}, run_run};
}

Command cmd_create() {
  auto flags = run_flags();
  std::erase_if(flags, [](const Flag &f) { return f.name == "detach" || f.name == "sig-proxy" || f.name == "detach-keys"; });
  return {"create", "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create a new container",
          flags, "images", false, true, 1, -1, {"container create"}, run_create};
}

Command cmd_start() {
  return {"start", "[OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers",
          {{"attach", 'a', FlagKind::boolean, "Attach STDOUT/STDERR and forward signals"},
           detach_keys_flag(),
           {"interactive", 'i', FlagKind::boolean, "Attach container's STDIN"}},
          "containers-stopped", true, true, 1, -1, {"container start"}, run_start};
}

} // namespace skiff::cli
