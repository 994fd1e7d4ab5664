#include "skiff/cli/run_options.hpp"

#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "host_flags.hpp"
#include "skiff/spec/parse.hpp"
#include "skiff/spec/ports.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/units.hpp"

namespace skiff::cli {

std::vector<Flag> container_create_flags() {
  using K = FlagKind;
  std::vector<Flag> flags = {
      add_host_flag(),
      {"cap-add", 0, K::list, "Add Linux capabilities", "capabilities", "list"},
      {"cap-drop", 0, K::list, "Drop Linux capabilities", "capabilities", "list"},
      {"cpus", 0, K::value, "Number of CPUs", "none", "decimal"},
      {"detach", 'd', K::boolean, "Run container in background and print container ID"},
      {"device", 0, K::list, "Add a host device to the container", "files", "list"},
      {"device-cgroup-rule", 0, K::list, "Add a rule to the cgroup allowed devices list", "none", "list"},
      {"entrypoint", 0, K::value, "Overwrite the default ENTRYPOINT of the image", "none", "string"},
      {"env", 'e', K::list, "Set environment variables", "none", "list"},
      {"env-file", 0, K::list, "Read in a file of environment variables", "files", "list"},
      {"expose", 0, K::list, "Expose a port or a range of ports", "none", "list"},
      {"group-add", 0, K::list, "Add additional groups to join", "none", "list"},
      {"hostname", 'h', K::value, "Container host name", "none", "string"},
      {"init", 0, K::boolean, "Run an init inside the container that forwards signals and reaps processes"},
      {"interactive", 'i', K::boolean, "Keep STDIN open even if not attached"},
      {"label", 'l', K::list, "Set meta data on a container", "none", "list"},
      {"log-driver", 0, K::value, "Logging driver for the container (json-file, none)", "log-drivers", "string"},
      {"memory", 'm', K::value, "Memory limit", "none", "bytes"},
      {"memory-swap", 0, K::value, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", "none", "bytes"},
      {"mount", 0, K::list, "Attach a filesystem mount to the container", "none", "mount"},
      {"name", 0, K::value, "Assign a name to the container", "none", "string"},
      {"network", 0, K::list, "Connect a container to a network (a network's name, bridge, none, host, container:NAME)", "networks", "network"},
      {"net", 0, K::list, "Connect a container to a network (alias of --network)", "networks", "network"},
      {"network-alias", 0, K::list, "Add network-scoped alias for the container", "none", "list"},
      {"net-alias", 0, K::list, "Add network-scoped alias for the container (alias of --network-alias)", "none", "list"},
      {"ip", 0, K::value, "IPv4 address (e.g., 172.30.100.104)", "none", "string"},
      {"ip6", 0, K::value, "IPv6 address (e.g., 2001:db8::33)", "none", "string"},
      {"mac-address", 0, K::value, "Container MAC address (e.g., 92:d0:c6:0a:29:33)", "none", "string"},
      {"link", 0, K::list, "Add link to another container", "containers", "list"},
      {"pids-limit", 0, K::value, "Tune container pids limit (set -1 for unlimited)", "none", "int"},
      {"privileged", 0, K::boolean, "Give extended privileges to this container"},
      {"publish", 'p', K::list, "Publish a container's port(s) to the host", "none", "list"},
      {"publish-all", 'P', K::boolean, "Publish all exposed ports to random ports"},
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
  auto dns = dns_flags();
  flags.insert(flags.end(), dns.begin(), dns.end());
  return flags;
}

// What docker/cli refuses before asking the daemon: exit 125 in every
// command (Errc::usage).
static Error usage(std::string msg) { return Error{Errc::usage, std::move(msg), kExitRuntime}; }

// A file docker/cli could not open, as Go says it.
static std::string go_errno_text(const Error &e) { return e.sys_errno ? go_strerror(e.sys_errno) : e.message; }

// pflag's int flags quote Go's strconv.
static std::string go_parse_int_error(const std::string &v) {
  return fmt::format("strconv.ParseInt: parsing \"{}\": invalid syntax", v);
}

Result<spec::CreateOptions> create_options(const Args &a, const std::vector<std::string> &host_env,
                                           const std::string &cwd) {
  spec::CreateOptions o;
  o.image = a.positional.at(0);
  o.cmd.assign(a.positional.begin() + 1, a.positional.end());
  if (a.has("entrypoint"))
    o.entrypoint = a.get("entrypoint");
  o.name = a.get("name");
  o.hostname = a.get("hostname");
  o.user = a.get("user");
  o.group_add = a.all("group-add");
  o.workdir = a.get("workdir");
  o.userns = a.get("userns");
  o.tty = a.flag("tty");
  o.open_stdin = a.flag("interactive");
  bool detach = a.flag("detach");  // create has no -d: it attaches as a foreground run
  o.attach_stdout = o.attach_stderr = !detach;
  o.attach_stdin = o.open_stdin && !detach;
  o.init = a.flag("init");
  o.read_only = a.flag("read-only");
  o.privileged = a.flag("privileged");
  o.auto_remove = a.flag("rm");
  o.cap_add = a.all("cap-add");
  o.cap_drop = a.all("cap-drop");
  o.extra_hosts = TRY(add_hosts(a));
  TRY_STATUS(dns_options(a, o));
  for (const auto &l : a.all("label")) {
    auto kv = str::cut(l, '=');
    o.labels[kv ? kv->first : l] = kv ? kv->second : "";
  }
  for (const auto &f : a.all("env-file")) {
    auto text = fs::read_file(f);
    if (!text)
      return usage(fmt::format("open {}: {}", f, go_errno_text(text.error())));
    o.env_files.push_back(*text);
  }
  o.env = a.all("env");
  o.host_env = host_env;
  o.networks = a.all("network");
  for (const auto &n : a.all("net"))
    o.networks.push_back(n);
  o.network_aliases = a.all("network-alias");
  for (const auto &n : a.all("net-alias"))
    o.network_aliases.push_back(n);
  o.ip = a.get("ip");
  o.ip6 = a.get("ip6");
  o.mac_address = a.get("mac-address");
  o.links = a.all("link");
  for (const auto &p : a.all("publish")) {
    auto bindings = TRY(spec::parse_publish(p));
    o.publish.insert(o.publish.end(), bindings.begin(), bindings.end());
  }
  for (const auto &e : a.all("expose")) {
    auto ports = TRY(spec::parse_expose(e));
    o.expose.insert(o.expose.end(), ports.begin(), ports.end());
  }
  o.publish_all = a.flag("publish-all");

  for (const auto &v : a.all("volume"))
    o.mounts.push_back(TRY(spec::parse_volume(v, cwd)));
  for (const auto &m : a.all("mount"))
    o.mounts.push_back(TRY(spec::parse_mount(m, cwd)));
  for (const auto &t : a.all("tmpfs"))
    o.mounts.push_back(TRY(spec::parse_tmpfs(t)));
  for (const auto &u : a.all("ulimit"))
    o.ulimits.push_back(TRY(spec::parse_ulimit(u)));
  for (const auto &dev : a.all("device"))
    o.devices.push_back(TRY(spec::parse_device(dev)));
  o.device_cgroup_rules = a.all("device-cgroup-rule");
  o.restart = TRY(spec::parse_restart(a.get("restart", "no")));
  // docker/cli's check, before the daemon judges the policy's name.
  if (o.auto_remove && o.restart.name != "no")
    return usage("conflicting options: cannot specify both --restart and --rm");
  TRY_STATUS(spec::check_restart(o.restart));
  o.log_driver = a.get("log-driver");
  o.stop_signal = a.get("stop-signal");
  if (a.has("stop-timeout")) {
    auto t = str::to_int(a.get("stop-timeout"));
    if (!t)
      return spec::flag_invalid("--stop-timeout", a.get("stop-timeout"), go_parse_int_error(a.get("stop-timeout")));
    o.stop_timeout = static_cast<int>(*t);
  }

  if (a.has("memory")) {
    auto m = units::parse_ram(a.get("memory"));
    if (!m)
      return spec::flag_invalid("-m, --memory", a.get("memory"), fmt::format("invalid size: '{}'", a.get("memory")));
    o.limits.memory = *m;
  }
  if (a.has("memory-swap")) {
    std::string s = a.get("memory-swap");
    auto m = s == "-1" ? std::optional<int64_t>(-1) : units::parse_ram(s);
    if (!m)
      return spec::flag_invalid("--memory-swap", s, fmt::format("invalid size: '{}'", s));
    o.limits.memory_swap = *m;
  }
  if (a.has("cpus")) {
    auto v = str::to_double(a.get("cpus"));
    if (!v || *v < 0)
      return spec::flag_invalid("--cpus", a.get("cpus"),
                                fmt::format("failed to parse {} as a rational number", a.get("cpus")));
    o.limits.cpus = *v;
  }
  if (a.has("pids-limit")) {
    auto v = str::to_int(a.get("pids-limit"));
    if (!v)
      return spec::flag_invalid("--pids-limit", a.get("pids-limit"), go_parse_int_error(a.get("pids-limit")));
    o.limits.pids = *v;
  }
  for (const auto &s : a.all("security-opt")) {
    auto kv = str::cut(s, s.find('=') != std::string::npos ? '=' : ':');
    std::string k = kv ? kv->first : s, v = kv ? kv->second : "true";
    if (k == "no-new-privileges")
      o.no_new_privileges = v == "true" || v == "1" || v.empty();
    else if (k == "seccomp" && v == "unconfined")
      o.seccomp = "unconfined";
    else if (k == "seccomp") {
      auto text = fs::read_file(v);
      if (!text)
        return usage(fmt::format("opening seccomp profile ({}) failed: open {}: {}", v, v, go_errno_text(text.error())));
      o.seccomp = *text;
    } else
      return Error{Errc::invalid, fmt::format("invalid --security-opt 2: \"{}\"", s)};  // the daemon's words
  }
  return o;
}

} // namespace skiff::cli
