// exec and attach.
#include <cstdlib>

#include <fmt/format.h>

#include "../attach_client.hpp"
#include "../registry.hpp"
#include "../tty_flags.hpp"
#include "skiff/engine/attach.hpp"

namespace skiff::cli {

static int run_exec(Context &ctx, const Args &a) {
  auto keys = detach_keys(a);
  if (!keys)
    return fail(keys.error());
  auto id = ctx.container_id(a.positional[0]);
  if (!id)
    return fail(id.error());
  auto eng = ctx.engine();
  engine::Engine::ExecRequest r;
  r.argv.assign(a.positional.begin() + 1, a.positional.end());
  for (const auto &e : a.all("env")) {
    if (e.find('=') != std::string::npos)
      r.env.push_back(e);
    else if (const char *v = std::getenv(e.c_str()))
      r.env.push_back(e + "=" + v);  // "-e NAME" takes the caller's value, as run does
    else
      r.env.push_back(e);  // and unsets NAME when the caller has none
  }
  r.user = a.get("user");
  r.workdir = a.get("workdir");
  r.tty = a.flag("tty");
  r.interactive = a.flag("interactive");
  r.detach = a.flag("detach");
  r.privileged = a.flag("privileged");
  if (!r.workdir.empty() && r.workdir[0] != '/')
    return fail_text(fmt::format("the working directory \"{}\" is invalid: it needs to be an absolute path", r.workdir));
  if (auto s = check_tty(r.interactive, r.tty); !r.detach && !s)
    return fail(s.error());
  auto p = (*eng)->exec_container(*id, r);
  if (!p)
    return fail(p.error());
  if (r.detach)
    return engine::wait_exec(p->pid) == 0 ? 0 : kExitRuntime;
  if (p->pty) {
    auto end = pty_session(p->pty.get(), p->pid, r.interactive, *keys);
    // Docker's exec reports a detach as an error: the command's status is
    // not known yet.
    return end.detached ? fail_text("read escape sequence", 1) : end.exit_code;
  }
  return engine::wait_exec(p->pid);
}

static int run_attach(Context &ctx, const Args &a) {
  auto keys = detach_keys(a);
  if (!keys)
    return fail(keys.error());
  auto id = ctx.container_id(a.positional[0]);
  if (!id)
    return fail(id.error());
  auto eng = ctx.engine();
  auto v = (*eng)->container(*id);
  if (!v)
    return fail(v.error());
  if (v->state.status != engine::RunStatus::running)
    return fail_text("you cannot attach to a stopped container, start it first");
  bool want_stdin = !a.flag("no-stdin");
  if (auto s = check_tty(want_stdin, v->config.tty); !s)
    return fail(s.error());
  auto sock = engine::attach_container(**eng, *v);
  if (!sock)
    return fail(sock.error());
  AttachOptions o;
  o.tty = v->config.tty;
  o.stdin_open = v->config.open_stdin && want_stdin;
  // As Docker's: with a terminal, signals are the terminal's business
  // (Ctrl-C is a byte to the container), and closing it (SIGHUP) ends
  // this client, not the container.
  o.sig_proxy = !v->config.tty && (!a.has("sig-proxy") || a.flag("sig-proxy"));
  o.pid = v->state.pid;
  o.detach_keys = *keys;
  o.redraw = true;
  auto end = attach_session(sock->get(), o);
  return end.detached ? fail_text("read escape sequence", 1) : end.exit_code;
}

Command cmd_exec() {
  return {"exec", "[OPTIONS] CONTAINER COMMAND [ARG...]", "Execute a command in a running container",
          {{"detach", 'd', FlagKind::boolean, "Detached mode: run command in the background"},
           detach_keys_flag(),
           {"env", 'e', FlagKind::list, "Set environment variables", "none", "list"},
           {"interactive", 'i', FlagKind::boolean, "Keep STDIN open even if not attached"},
           {"privileged", 0, FlagKind::boolean, "Give extended privileges to the command"},
           {"tty", 't', FlagKind::boolean, "Allocate a pseudo-TTY"},
           {"user", 'u', FlagKind::value, "Username or UID (format: \"<name|uid>[:<group|gid>]\")", "none", "string"},
           {"workdir", 'w', FlagKind::value, "Working directory inside the container", "none", "string"}},
          "containers-running", false, false, 2, -1, {"container exec"}, run_exec};
}

Command cmd_attach() {
  return {"attach", "[OPTIONS] CONTAINER", "Attach local standard input, output, and error streams to a running container",
          {detach_keys_flag(),
           {"no-stdin", 0, FlagKind::boolean, "Do not attach STDIN"},
           {"sig-proxy", 0, FlagKind::boolean, "Proxy all received signals to the process (default true)"}},
          "containers-running", true, false, 1, 1, {"container attach"}, run_attach};
}

} // namespace skiff::cli
