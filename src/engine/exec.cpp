// exec: a new process in a running container.
#include <unistd.h>

#include "entry_process.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/runtime/caps.hpp"
#include "skiff/runtime/cgroups.hpp"
#include "skiff/runtime/seccomp_cache.hpp"
#include "skiff/spec/merge.hpp"

namespace skiff::engine {

Result<runtime::ExecProcess> Engine::exec_container(const std::string &id, const ExecRequest &r) {
  auto v = TRY(container(id));
  auto entry = TRY(entry_process(v));
  const auto &c = v.config;
  runtime::ExecSpec s;
  s.target = entry.pid;
  s.argv = r.argv;
  // Docker's order: its defaults (TERM with exec -t), the container's env,
  // then exec's -e over them.
  auto env = c.env;
  env.insert(env.end(), r.env.begin(), r.env.end());
  std::string hostname = c.hostname;
  if (c.network == "host") {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    hostname = name;
  }
  s.env = spec::process_env(env, r.tty, hostname);
  s.cwd = !r.workdir.empty() ? r.workdir : c.working_dir.empty() ? "/" : c.working_dir;
  s.user = r.user.empty() ? c.user : r.user;
  s.group_add = c.group_add;
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
