// exec: a new process in a running container.
#include <algorithm>

#include "skiff/engine/engine.hpp"
#include "skiff/runtime/caps.hpp"
#include "skiff/runtime/cgroups.hpp"
#include "skiff/runtime/seccomp_cache.hpp"
#include "skiff/spec/merge.hpp"

namespace skiff::engine {

Result<runtime::ExecProcess> Engine::exec_container(const std::string &id, const ExecRequest &r) {
  auto v = TRY(container(id));
  if (v.state.status != storage::RunStatus::running)
    return make_error(Errc::conflict, "container {} is not running", id);  // moby's words, full ID
  const auto &c = v.config;
  runtime::ExecSpec s;
  s.target = v.state.pid;
  s.argv = r.argv;
  s.env = spec::process_env(c.env, false);  // exec -t adds TERM below
  for (const auto &e : r.env) {
    auto key = e.substr(0, e.find('='));
    std::erase_if(s.env, [&](const std::string &x) { return x.substr(0, x.find('=')) == key; });
    s.env.push_back(e);
  }
  if (r.tty && std::none_of(s.env.begin(), s.env.end(), [](const auto &e) { return e.rfind("TERM=", 0) == 0; }))
    s.env.push_back("TERM=xterm");
  s.cwd = !r.workdir.empty() ? r.workdir : c.working_dir.empty() ? "/" : c.working_dir;
  s.user = r.user.empty() ? c.user : r.user;
  bool privileged = c.privileged || r.privileged;
  auto caps = TRY(runtime::effective_caps(c.cap_add, c.cap_drop, privileged));
  s.caps = runtime::cap_numbers(caps);
  if (c.seccomp != "unconfined" && !privileged)
    s.seccomp = TRY(runtime::seccomp_program(store_.root() + "/cache/seccomp", c.seccomp, caps));
  s.no_new_privileges = c.no_new_privileges;
  s.tty = r.tty;
  s.interactive = r.interactive;
  s.detach = r.detach;
  s.cgroup_procs = runtime::Cgroup::procs_files(id);
  s.ulimits = c.ulimits;
  return runtime::start_exec(s);
}

} // namespace skiff::engine
