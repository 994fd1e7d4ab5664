#include "skiff/cli/run_options.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "skiff/runtime/caps.hpp"
#include "skiff/runtime/devices.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/units.hpp"

namespace skiff::cli {

using storage::MountConfig;

std::vector<Flag> container_create_flags() {
  using K = FlagKind;
  return {
      {"cap-add", 0, K::list, "Add Linux capabilities", "capabilities", "list"},
      {"cap-drop", 0, K::list, "Drop Linux capabilities", "capabilities", "list"},
      {"cpus", 0, K::value, "Number of CPUs", "none", "decimal"},
      {"detach", 'd', K::boolean, "Run container in background and print container ID"},
      {"device", 0, K::list, "Add a host device to the container", "files", "list"},
      {"device-cgroup-rule", 0, K::list, "Add a rule to the cgroup allowed devices list", "none", "list"},
      {"entrypoint", 0, K::value, "Overwrite the default ENTRYPOINT of the image", "none", "string"},
      {"env", 'e', K::list, "Set environment variables", "none", "list"},
      {"env-file", 0, K::list, "Read in a file of environment variables", "files", "list"},
      {"hostname", 'h', K::value, "Container host name", "none", "string"},
      {"init", 0, K::boolean, "Run an init inside the container that forwards signals and reaps processes"},
      {"interactive", 'i', K::boolean, "Keep STDIN open even if not attached"},
      {"label", 'l', K::list, "Set meta data on a container", "none", "list"},
      {"log-driver", 0, K::value, "Logging driver for the container (json-file, none)", "log-drivers", "string"},
      {"memory", 'm', K::value, "Memory limit", "none", "bytes"},
      {"memory-swap", 0, K::value, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", "none", "bytes"},
      {"mount", 0, K::list, "Attach a filesystem mount to the container", "none", "mount"},
      {"name", 0, K::value, "Assign a name to the container", "none", "string"},
      {"network", 0, K::value, "Connect a container to a network (default, none, host)", "networks", "network"},
      {"net", 0, K::value, "Connect a container to a network (alias of --network)", "networks", "network"},
      {"pids-limit", 0, K::value, "Tune container pids limit (set -1 for unlimited)", "none", "int"},
      {"privileged", 0, K::boolean, "Give extended privileges to this container"},
      {"read-only", 0, K::boolean, "Mount the container's root filesystem as read only"},
      {"replace", 0, K::boolean, "Replace a container with the same name, if one exists"},
      {"restart", 0, K::value, "Restart policy to apply when a container exits", "restart", "string"},
      {"rm", 0, K::boolean, "Automatically remove the container when it exits"},
      {"security-opt", 0, K::list, "Security Options", "security-opt", "list"},
      {"sig-proxy", 0, K::boolean, "Proxy received signals to the process (default true)"},
      {"stop-signal", 0, K::value, "Signal to stop the container", "signals", "string"},
      {"stop-timeout", 0, K::value, "Timeout (in seconds) to stop a container", "none", "int"},
      {"tmpfs", 0, K::list, "Mount a tmpfs directory", "none", "list"},
      {"tty", 't', K::boolean, "Allocate a pseudo-TTY"},
      {"ulimit", 0, K::list, "Ulimit options", "ulimits", "ulimit"},
      {"user", 'u', K::value, "Username or UID (format: <name|uid>[:<group|gid>])", "none", "string"},
      {"userns", 0, K::value, "User namespace to use (host, or keep-id: rootless, map your user to the same ID inside)", "userns", "string"},
      {"volume", 'v', K::list, "Bind mount a volume", "volumes", "list"},
      {"workdir", 'w', K::value, "Working directory inside the container", "none", "string"},
  };
}

static Error invalid(std::string msg) { return Error{Errc::invalid, std::move(msg), kExitRuntime}; }

namespace {

const char *const kPropagations[] = {"private", "rprivate", "shared", "rshared", "slave", "rslave"};

bool is_propagation(std::string_view o) {
  return std::find(std::begin(kPropagations), std::end(kPropagations), o) != std::end(kPropagations);
}

// Docker 23 and later take host paths starting with "." relative to the
// working directory.
std::string host_path(const std::string &p, const std::string &cwd) {
  return fs::clean_path(p[0] == '/' ? p : cwd + "/" + p);
}

} // namespace

Result<MountConfig> parse_volume_flag(const std::string &spec, const std::string &cwd) {
  auto parts = str::split(spec, ':');
  auto bad = [&](std::string_view why) {
    return invalid(fmt::format("invalid volume specification: '{}'{}{}", spec, why.empty() ? "" : ": ", why));
  };
  MountConfig m;
  if (parts.size() == 1) {
    if (parts[0].empty() || parts[0][0] != '/')
      return bad("a container path must be absolute");
    m.type = "volume";
    m.destination = fs::clean_path(parts[0]);
    m.anonymous = true;
  } else {
    if (parts.size() > 3 || parts[0].empty() || parts[1].empty())
      return bad("");
    if (parts[1][0] != '/')
      return bad(fmt::format("the container path \"{}\" must be absolute", parts[1]));
    m.destination = fs::clean_path(parts[1]);
    bool bind = parts[0][0] == '/' || parts[0][0] == '.';
    m.type = bind ? "bind" : "volume";
    m.source = bind ? host_path(parts[0], cwd) : parts[0];
    for (const auto &o : parts.size() == 3 ? str::split(parts[2], ',') : std::vector<std::string>{}) {
      if (o == "ro")
        m.readonly = true;
      else if (o == "rw" || o == "z" || o == "Z" || o == "consistent" || o == "cached" || o == "delegated")
        ;  // as Docker: SELinux relabelling and macOS hints mean nothing here
      else if (is_propagation(o) && bind)
        m.options.push_back(o);
      else if (o == "nocopy" && !bind)
        m.options.push_back(o);
      else
        return bad(fmt::format("invalid mode: {}", o));
    }
  }
  if (m.destination == "/")
    return bad("destination can't be '/'");
  return m;
}

Result<MountConfig> parse_mount_flag(const std::string &spec, const std::string &cwd) {
  MountConfig m;
  m.type = "volume";
  auto bad = [&](std::string_view why) { return invalid(fmt::format("invalid mount \"{}\": {}", spec, why)); };
  std::string propagation;
  bool nocopy = false, volume_option = false;
  auto flag_value = [](bool given, const std::string &v) -> std::optional<bool> {
    if (!given || v == "true" || v == "1")
      return true;
    if (v == "false" || v == "0")
      return false;
    return std::nullopt;
  };
  for (const auto &field : str::split(spec, ',')) {
    auto kv = str::cut(field, '=');
    std::string k = kv ? kv->first : field, v = kv ? kv->second : "";
    if (k == "type")
      m.type = v;
    else if (k == "source" || k == "src")
      m.source = v;
    else if (k == "target" || k == "destination" || k == "dst")
      m.destination = v;
    else if (k == "readonly" || k == "ro") {
      auto b = flag_value(kv.has_value(), v);
      if (!b)
        return bad(fmt::format("invalid value for {}: {}", k, v));
      m.readonly = *b;
    } else if (k == "tmpfs-size")
      m.options.push_back("size=" + v);
    else if (k == "tmpfs-mode")
      m.options.push_back("mode=" + v);
    else if (k == "bind-propagation") {
      if (!is_propagation(v))
        return bad(fmt::format("invalid propagation mode: {}", v));
      propagation = v;
    } else if (k == "volume-nocopy") {
      auto b = flag_value(kv.has_value(), v);
      if (!b)
        return bad(fmt::format("invalid value for volume-nocopy: {}", v));
      nocopy = *b;
      volume_option = true;
    } else if (k == "consistency")
      ;  // a macOS hint, as Docker ignores it
    else
      return bad(fmt::format("unknown field \"{}\"", k));
  }
  if (m.type != "bind" && m.type != "volume" && m.type != "tmpfs")
    return bad("type must be bind, volume or tmpfs");
  if (m.destination.empty() || m.destination[0] != '/')
    return bad("target must be an absolute path");
  m.destination = fs::clean_path(m.destination);
  if (m.destination == "/")
    return bad("destination can't be '/'");
  if (!propagation.empty() && m.type != "bind")
    return bad(fmt::format("cannot mix 'bind-propagation' with mount type '{}'", m.type));
  if (volume_option && m.type != "volume")
    return bad(fmt::format("cannot mix 'volume-*' options with mount type '{}'", m.type));
  if (m.type == "bind") {
    if (m.source.empty())
      return bad("a bind needs a source");
    m.source = host_path(m.source, cwd);
    if (!propagation.empty())
      m.options.push_back(propagation);
  }
  if (nocopy)
    m.options.push_back("nocopy");
  if (m.type == "volume" && m.source.empty())
    m.anonymous = true;
  if (m.type == "tmpfs" && !m.source.empty())
    return bad("tmpfs takes no source");
  return m;
}

// Docker's HOST[:CONTAINER][:PERMISSIONS], with its messages.
Result<storage::DeviceMapping> parse_device_flag(const std::string &spec) {
  auto bad = [&](const std::string &why) {
    return invalid(fmt::format("invalid argument \"{}\" for \"--device\" flag: {}", spec, why));
  };
  auto parts = str::split(spec, ':');
  if (parts.size() > 3 || parts[0].empty())
    return bad(fmt::format("bad format for path: {}", spec));
  storage::DeviceMapping d;
  d.path_on_host = parts[0];
  d.path_in_container = parts[0];
  if (parts.size() == 2) {
    if (runtime::valid_device_access(parts[1]))
      d.cgroup_permissions = parts[1];
    else
      d.path_in_container = parts[1];
  } else if (parts.size() == 3) {
    d.path_in_container = parts[1];
    d.cgroup_permissions = parts[2];
    if (!runtime::valid_device_access(parts[2]))
      return bad(fmt::format("bad mode specified: {}", parts[2]));
  }
  if (d.path_in_container.empty() || d.path_in_container[0] != '/')
    return bad(fmt::format("{} is not an absolute path", d.path_in_container));
  d.path_in_container = fs::clean_path(d.path_in_container);
  return d;
}

// Docker's rules and words (docker/cli's parser, then the daemon's checks).
Result<storage::RestartPolicy> parse_restart(const std::string &spec) {
  storage::RestartPolicy p;
  auto c = str::cut(spec, ':');
  p.name = c ? c->first : spec;
  if (c && p.name.empty())
    return invalid("invalid restart policy format: no policy provided before colon");
  if (c && !c->second.empty()) {
    auto n = str::to_int(c->second);
    if (!n || *n > INT32_MAX || *n < INT32_MIN)
      return invalid("invalid restart policy format: maximum retry count must be an integer");
    p.max_retries = static_cast<int>(*n);
  }
  if (p.name.empty())
    p.name = "no";
  if (p.name != "no" && p.name != "always" && p.name != "unless-stopped" && p.name != "on-failure")
    return invalid(fmt::format("invalid restart policy: unknown policy '{}'; use one of 'no', "
                               "'always', 'on-failure', or 'unless-stopped'",
                               p.name));
  if (p.max_retries != 0 && p.name != "on-failure")
    return invalid("invalid restart policy: maximum retry count can only be used with 'on-failure'");
  if (p.max_retries < 0)
    return invalid("invalid restart policy: maximum retry count cannot be negative");
  return p;
}

Result<storage::Ulimit> parse_ulimit(const std::string &spec) {
  auto kv = str::cut(spec, '=');
  if (!kv)
    return invalid(fmt::format("invalid ulimit \"{}\": use name=soft[:hard]", spec));
  static const char *names[] = {"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
                                "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack", "as"};
  if (std::find(std::begin(names), std::end(names), kv->first) == std::end(names))
    return invalid(fmt::format("invalid ulimit \"{}\": unknown limit \"{}\"", spec, kv->first));
  auto sh = str::cut(kv->second, ':');
  auto soft = str::to_int(sh ? sh->first : kv->second);
  auto hard = str::to_int(sh ? sh->second : kv->second);
  if (!soft || !hard || *soft < -1 || *hard < -1)
    return invalid(fmt::format("invalid ulimit \"{}\": values must be numbers", spec));
  auto val = [](long long v) { return v < 0 ? int64_t(-1) : int64_t(v); };
  if (*hard >= 0 && (*soft < 0 || *soft > *hard))
    return invalid(fmt::format("invalid ulimit \"{}\": soft limit must not exceed the hard limit", spec));
  return storage::Ulimit{kv->first, val(*soft), val(*hard)};
}

static std::optional<std::string> host_value(const std::vector<std::string> &host_env, const std::string &key) {
  for (const auto &e : host_env)
    if (e.rfind(key + "=", 0) == 0)
      return e.substr(key.size() + 1);
  return std::nullopt;
}

Result<std::vector<std::string>> parse_env_file(const std::string &content,
                                                const std::vector<std::string> &host_env) {
  std::vector<std::string> out;
  for (const auto &raw : str::split(content, '\n')) {
    std::string line(str::trim(raw));
    if (line.empty() || line[0] == '#')
      continue;
    if (line.find('=') == std::string::npos) {
      if (auto v = host_value(host_env, line))
        out.push_back(line + "=" + *v);
      continue;
    }
    if (line[0] == '=')
      return invalid(fmt::format("invalid environment variable \"{}\": no name", line));
    out.push_back(line);
  }
  return out;
}

static void set_env(std::vector<std::string> &env, const std::string &kv) {
  auto key = kv.substr(0, kv.find('='));
  std::erase_if(env, [&](const std::string &e) { return e.substr(0, e.find('=')) == key; });
  env.push_back(kv);
}

Result<storage::ContainerConfig> build_container_config(const Args &a, const image::ImageConfig &img,
                                                        const std::vector<std::string> &host_env,
                                                        const std::vector<std::string> &env_files,
                                                        const std::string &cwd) {
  storage::ContainerConfig c;
  const auto &d = img.config;
  c.image_name = a.positional.at(0);
  std::vector<std::string> cmd(a.positional.begin() + 1, a.positional.end());
  if (a.has("entrypoint")) {
    std::string ep = a.get("entrypoint");
    c.entrypoint = ep.empty() ? std::vector<std::string>{} : std::vector<std::string>{ep};
    c.cmd = cmd;  // an overridden entrypoint drops the image's CMD
  } else {
    c.entrypoint = d.entrypoint;
    c.cmd = cmd.empty() ? d.cmd : cmd;
  }
  if (c.entrypoint.empty() && c.cmd.empty())
    return invalid("no command specified: the image has no CMD or ENTRYPOINT, give one after the image name");
  c.name = a.get("name");
  c.hostname = a.get("hostname");
  if (c.hostname.size() > 64)
    return invalid(fmt::format("invalid hostname \"{}\": at most 64 characters", c.hostname));
  c.tty = a.flag("tty");
  c.open_stdin = a.flag("interactive");
  c.init = a.flag("init");
  c.read_only = a.flag("read-only");
  c.privileged = a.flag("privileged");
  c.auto_remove = a.flag("rm");
  c.cap_add = a.all("cap-add");
  c.cap_drop = a.all("cap-drop");
  for (const auto *list : {&c.cap_add, &c.cap_drop})
    for (const auto &cap : *list)
      if (str::lower(cap) != "all")
        TRY(runtime::normalize_cap(cap));
  c.working_dir = a.get("workdir", d.working_dir);
  if (!c.working_dir.empty() && c.working_dir[0] != '/')
    return invalid(fmt::format("the working directory \"{}\" is invalid: it needs to be an absolute path", c.working_dir));
  c.user = a.get("user", d.user);
  c.userns = a.get("userns");
  if (c.userns == "host")
    c.userns.clear();  // no remapping is what skiff does anyway
  if (!c.userns.empty() && c.userns != "keep-id")
    return invalid(fmt::format("invalid --userns \"{}\": use host or keep-id", c.userns));
  c.labels = d.labels;
  for (const auto &l : a.all("label")) {
    auto kv = str::cut(l, '=');
    c.labels[kv ? kv->first : l] = kv ? kv->second : "";
  }
  c.exposed_ports = d.exposed_ports;

  c.env = d.env;
  if (std::none_of(c.env.begin(), c.env.end(), [](const auto &e) { return e.rfind("PATH=", 0) == 0; }))
    c.env.insert(c.env.begin(), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (const auto &content : env_files)
    for (const auto &kv : TRY(parse_env_file(content, host_env)))
      set_env(c.env, kv);
  for (const auto &e : a.all("env")) {
    if (e.empty() || e[0] == '=')
      return invalid(fmt::format("invalid environment variable \"{}\": no name", e));
    if (e.find('=') != std::string::npos)
      set_env(c.env, e);
    else if (auto v = host_value(host_env, e))
      set_env(c.env, e + "=" + *v);
  }
  if (c.tty && !host_value(c.env, "TERM"))
    c.env.push_back("TERM=xterm");

  std::string net = a.get("network", a.get("net", "default"));
  if (net == "bridge")
    net = "default";
  if (net != "default" && net != "none" && net != "host" && net != "slirp4netns" && net != "pasta")
    return Error{Errc::not_found, fmt::format("network \"{}\" not found", net), kExitRuntime};
  c.network = net;

  for (const auto &v : a.all("volume"))
    c.mounts.push_back(TRY(parse_volume_flag(v, cwd)));
  for (const auto &m : a.all("mount"))
    c.mounts.push_back(TRY(parse_mount_flag(m, cwd)));
  for (const auto &t : a.all("tmpfs")) {
    auto kv = str::cut(t, ':');
    MountConfig m{"tmpfs", "", kv ? kv->first : t, false, false, {}};
    if (m.destination.empty() || m.destination[0] != '/')
      return invalid(fmt::format("invalid tmpfs \"{}\": the path must be absolute", t));
    for (const auto &o : kv ? str::split(kv->second, ',') : std::vector<std::string>{})
      if (!o.empty())
        m.options.push_back(o);
    c.mounts.push_back(m);
  }
  // The image's VOLUMEs become anonymous volumes unless something else is
  // mounted there.
  for (const auto &v : d.volumes) {
    std::string dest = fs::clean_path(v);
    if (std::none_of(c.mounts.begin(), c.mounts.end(), [&](const auto &m) { return m.destination == dest; }))
      c.mounts.push_back({"volume", "", dest, false, true, {}});
  }
  for (size_t i = 0; i < c.mounts.size(); i++)
    for (size_t j = i + 1; j < c.mounts.size(); j++)
      if (c.mounts[i].destination == c.mounts[j].destination)
        return invalid(fmt::format("duplicate mount point: {}", c.mounts[i].destination));

  for (const auto &u : a.all("ulimit"))
    c.ulimits.push_back(TRY(parse_ulimit(u)));
  for (const auto &dev : a.all("device"))
    c.devices.push_back(TRY(parse_device_flag(dev)));
  for (const auto &r : a.all("device-cgroup-rule")) {
    if (!runtime::parse_device_rule(r))
      return invalid(fmt::format("invalid argument \"{}\" for \"--device-cgroup-rule\" flag: "
                                 "invalid device cgroup format '{}'",
                                 r, r));
    c.device_cgroup_rules.push_back(r);
  }
  c.restart = TRY(parse_restart(a.get("restart", "no")));
  if (c.auto_remove && c.restart.name != "no")
    return invalid("conflicting options: --restart and --rm");
  c.log_driver = a.get("log-driver", "");
  if (c.log_driver.empty())
    c.log_driver = "json-file";
  else if (c.log_driver != "json-file" && c.log_driver != "none")
    return invalid(fmt::format("logger: no log driver named '{}' is registered", c.log_driver));
  c.stop_signal = a.get("stop-signal", d.stop_signal);
  if (a.has("stop-timeout")) {
    auto t = str::to_int(a.get("stop-timeout"));
    if (!t)
      return invalid(fmt::format("invalid --stop-timeout \"{}\": a number of seconds is needed", a.get("stop-timeout")));
    c.stop_timeout = static_cast<int>(*t);
  }

  if (a.has("memory")) {
    auto m = units::parse_ram(a.get("memory"));
    if (!m)
      return invalid(fmt::format("invalid --memory \"{}\": use a size such as 512m or 1g", a.get("memory")));
    c.limits.memory = *m;
  }
  if (a.has("memory-swap")) {
    std::string s = a.get("memory-swap");
    auto m = s == "-1" ? std::optional<int64_t>(-1) : units::parse_ram(s);
    if (!m)
      return invalid(fmt::format("invalid --memory-swap \"{}\": use a size such as 1g, or -1", s));
    c.limits.memory_swap = *m;
  }
  if (a.has("cpus")) {
    auto v = str::to_double(a.get("cpus"));
    if (!v || *v < 0)
      return invalid(fmt::format("invalid --cpus \"{}\": use a number such as 1.5", a.get("cpus")));
    c.limits.cpus = *v;
  }
  if (a.has("pids-limit")) {
    auto v = str::to_int(a.get("pids-limit"));
    if (!v)
      return invalid(fmt::format("invalid --pids-limit \"{}\": use a number, -1 for unlimited", a.get("pids-limit")));
    c.limits.pids = *v;
  }
  for (const auto &o : a.all("security-opt")) {
    auto kv = str::cut(o, o.find('=') != std::string::npos ? '=' : ':');
    std::string k = kv ? kv->first : o, v = kv ? kv->second : "true";
    if (k == "no-new-privileges")
      c.no_new_privileges = v == "true" || v == "1" || v.empty();
    else if (k == "seccomp" && v == "unconfined")
      c.seccomp = "unconfined";
    else if (k == "seccomp") {
      auto text = fs::read_file(v);
      if (!text)
        return invalid(fmt::format("opening seccomp profile {}: {}", v, text.error().message));
      c.seccomp = *text;
    } else
      return invalid(fmt::format("invalid --security-opt \"{}\": use no-new-privileges or seccomp=unconfined|FILE", o));
  }
  return c;
}

} // namespace skiff::cli
