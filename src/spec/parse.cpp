#include "skiff/spec/parse.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "invalid.hpp"
#include "skiff/util/csv.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::spec {

using storage::MountConfig;

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

Result<MountConfig> parse_volume(const std::string &spec, const std::string &cwd) {
  auto parts = str::split(spec, ':');
  // moby volume/mounts/linux_parser.go's words: docker/cli passes -v to
  // the daemon unparsed.
  auto bad = [&](std::string_view why) {
    return invalid(fmt::format("invalid volume specification: '{}'{}{}", spec, why.empty() ? "" : ": ", why));
  };
  auto bad_config = [&](std::string_view type, std::string_view why) {
    return bad(fmt::format("invalid mount config for type \"{}\": {}", type, why));
  };
  MountConfig m;
  m.origin = "volume";
  if (parts.size() == 1) {
    if (parts[0].empty() || parts[0][0] != '/')
      return bad_config("volume", fmt::format("invalid mount path: '{}' mount path must be absolute", parts[0]));
    m.type = "volume";
    m.destination = fs::clean_path(parts[0]);
    m.anonymous = true;
  } else {
    if (parts.size() > 3 || parts[0].empty() || parts[1].empty())
      return bad("");
    bool bind = parts[0][0] == '/' || parts[0][0] == '.';
    if (parts[1][0] != '/')
      return bad_config(bind ? "bind" : "volume",
                        fmt::format("invalid mount path: '{}' mount path must be absolute", parts[1]));
    m.destination = fs::clean_path(parts[1]);
    m.type = bind ? "bind" : "volume";
    m.source = bind ? host_path(parts[0], cwd) : parts[0];
    m.create_source = bind;
    m.mode = parts.size() == 3 ? parts[2] : "";
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
        return invalid(fmt::format("invalid mode: {}", parts[2]));
    }
  }
  if (m.destination == "/")
    return bad_config(m.type, "invalid specification: destination can't be '/'");
  return m;
}

Result<MountConfig> parse_mount(const std::string &spec, const std::string &cwd) {
  MountConfig m;
  m.type = "volume";
  m.origin = "mount";
  // docker/cli's MountOpt refuses what it cannot parse (pflag's words);
  // the daemon what it cannot mount (moby volume/mounts's words).
  auto bad = [&](std::string_view why) { return flag_invalid("--mount", spec, why); };
  auto bad_config = [&](std::string_view why) {
    return invalid(fmt::format("invalid mount config for type \"{}\": {}", m.type, why));
  };
  std::string propagation;
  bool nocopy = false, volume_option = false;
  auto flag_value = [](bool given, const std::string &v) -> std::optional<bool> {
    if (!given || v == "true" || v == "1")
      return true;
    if (v == "false" || v == "0")
      return false;
    return std::nullopt;
  };
  auto fields = str::csv_fields(spec);
  if (!fields)
    return bad(fields.error().message);
  for (const auto &field : *fields) {
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
    } else if (k == "volume-driver") {
      m.volume_driver = v;
      volume_option = true;
    } else if (k == "volume-opt") {
      // KEY=VALUE, or KEY alone for an empty value (docker/cli's setValueOnMap).
      auto opt = str::cut(v, '=');
      m.volume_options[opt ? opt->first : v] = opt ? opt->second : "";
      volume_option = true;
    } else if (k == "consistency")
      ;  // a macOS hint, as Docker ignores it
    else
      return bad(fmt::format("unexpected key '{}' in '{}'", k, field));
  }
  if (m.destination.empty())
    return bad("target is required");
  if (!propagation.empty() && m.type != "bind")
    return bad(fmt::format("cannot mix 'bind-*' options with mount type '{}'", m.type));
  if (volume_option && m.type != "volume")
    return bad(fmt::format("cannot mix 'volume-*' options with mount type '{}'", m.type));
  // The daemon's order: the target, then what the type needs.
  if (m.destination[0] == '/' && fs::clean_path(m.destination) == "/")
    return bad_config("invalid specification: destination can't be '/'");
  if (m.destination[0] != '/')
    return bad_config(fmt::format("invalid mount path: '{}' mount path must be absolute", m.destination));
  m.destination = fs::clean_path(m.destination);
  if (m.type != "bind" && m.type != "volume" && m.type != "tmpfs")
    return bad_config("mount type unknown");
  if (m.type == "bind" && m.source.empty())
    return bad_config("field Source must not be empty");
  if (m.type == "tmpfs" && !m.source.empty())
    return bad_config("field Source must not be specified");
  if (m.type == "bind") {
    m.source = host_path(m.source, cwd);
    if (!propagation.empty())
      m.options.push_back(propagation);
  }
  if (nocopy)
    m.options.push_back("nocopy");
  if (m.type == "volume" && m.source.empty())
    m.anonymous = true;
  return m;
}

Result<MountConfig> parse_tmpfs(const std::string &spec) {
  auto kv = str::cut(spec, ':');
  MountConfig m{"tmpfs", "", kv ? kv->first : spec, false, false, {}, "tmpfs", ""};
  if (m.destination.empty() || m.destination[0] != '/')
    return invalid(fmt::format("invalid tmpfs \"{}\": the path must be absolute", spec));
  for (const auto &o : kv ? str::split(kv->second, ',') : std::vector<std::string>{})
    if (!o.empty())
      m.options.push_back(o);
  return m;
}

bool valid_device_access(std::string_view access) {
  if (access.empty() || access.size() > 3)
    return false;
  for (size_t i = 0; i < access.size(); i++)
    if (std::string_view("rwm").find(access[i]) == std::string_view::npos ||
        access.find(access[i], i + 1) != std::string_view::npos)
      return false;
  return true;
}

// Docker's HOST[:CONTAINER][:PERMISSIONS], with its messages.
Result<storage::DeviceMapping> parse_device(const std::string &spec) {
  auto bad = [&](const std::string &why) { return flag_invalid("--device", spec, why); };
  auto parts = str::split(spec, ':');
  if (parts.size() > 3 || parts[0].empty())
    return bad(fmt::format("bad format for path: {}", spec));
  storage::DeviceMapping d;
  d.path_on_host = parts[0];
  d.path_in_container = parts[0];
  if (parts.size() == 2) {
    if (valid_device_access(parts[1]))
      d.cgroup_permissions = parts[1];
    else
      d.path_in_container = parts[1];
  } else if (parts.size() == 3) {
    d.path_in_container = parts[1];
    d.cgroup_permissions = parts[2];
    if (!valid_device_access(parts[2]))
      return bad(fmt::format("bad mode specified: {}", parts[2]));
  }
  if (d.path_in_container.empty() || d.path_in_container[0] != '/')
    return bad(fmt::format("{} is not an absolute path", d.path_in_container));
  d.path_in_container = fs::clean_path(d.path_in_container);
  return d;
}

// docker/cli's parser (opts.ParseRestartPolicy): a flag error.
Result<storage::RestartPolicy> parse_restart(const std::string &spec) {
  auto usage = [](std::string msg) { return Error{Errc::usage, std::move(msg), kExitRuntime}; };
  storage::RestartPolicy p;
  auto c = str::cut(spec, ':');
  p.name = c ? c->first : spec;
  if (c && p.name.empty())
    return usage("invalid restart policy format: no policy provided before colon");
  if (c && !c->second.empty()) {
    auto n = str::to_int(c->second);
    if (!n || *n > INT32_MAX || *n < INT32_MIN)
      return usage("invalid restart policy format: maximum retry count must be an integer");
    p.max_retries = static_cast<int>(*n);
  }
  if (p.name.empty())
    p.name = "no";
  return p;
}

// The daemon's checks and words (moby 24 api/types/container).
Status check_restart(const storage::RestartPolicy &p) {
  if (p.name != "no" && p.name != "always" && p.name != "unless-stopped" && p.name != "on-failure")
    return invalid(fmt::format("invalid restart policy: unknown policy '{}'; use one of 'no', "
                               "'always', 'on-failure', or 'unless-stopped'",
                               p.name));
  if (p.max_retries != 0 && p.name != "on-failure")
    return invalid("invalid restart policy: maximum retry count can only be used with 'on-failure'");
  if (p.max_retries < 0)
    return invalid("invalid restart policy: maximum retry count cannot be negative");
  return {};
}

Result<storage::Ulimit> parse_ulimit(const std::string &spec) {
  auto bad = [&](std::string_view why) { return flag_invalid("--ulimit", spec, why); };
  auto kv = str::cut(spec, '=');
  if (!kv)
    return bad(fmt::format("invalid ulimit argument: {}", spec));
  static const char *names[] = {"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
                                "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack", "as"};
  if (std::find(std::begin(names), std::end(names), kv->first) == std::end(names))
    return bad(fmt::format("invalid ulimit type: {}", kv->first));
  auto values = str::split(kv->second, ':');
  if (values.size() > 2)
    return bad(fmt::format("too many limit value arguments - {}, can only have up to two, `soft[:hard]`",
                           kv->second));
  // Go's strconv.ParseInt, whose words go-units passes on.
  std::vector<int64_t> n;
  for (const auto &v : values) {
    auto x = str::to_int(v);
    if (!x)
      return bad(fmt::format("strconv.ParseInt: parsing \"{}\": invalid syntax", v));
    n.push_back(*x);
  }
  int64_t soft = n[0], hard = n.size() == 2 ? n[1] : n[0];
  if (hard != -1 && soft > hard)
    return bad(fmt::format("ulimit soft limit must be less than or equal to hard limit: {} > {}", soft, hard));
  auto val = [](int64_t v) { return v < 0 ? int64_t(-1) : v; };
  return storage::Ulimit{kv->first, val(soft), val(hard)};
}

} // namespace skiff::spec
