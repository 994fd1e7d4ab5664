// Config-only instructions as BuildKit's dockerfile2llb dispatches them
// (metadata.hpp), with the created_by each leaves in the history.
#include "skiff/build/metadata.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::build {

namespace {

using dockerfile::Command;

// Go's %q of a []string: ["a" "b"].
std::string go_quoted(const std::vector<std::string> &v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); i++) {
    out += i ? " " : "";
    out += nlohmann::json(v[i]).dump();
  }
  return out + "]";
}

// Go's %v of a []string: [a b].
std::string go_plain(const std::vector<std::string> &v) { return fmt::format("[{}]", fmt::join(v, " ")); }

void set_env(std::vector<std::string> &env, const std::string &key, const std::string &value) {
  for (auto &e : env)
    if (e.substr(0, e.find('=')) == key) {
      e = key + "=" + value;
      return;
    }
  env.push_back(key + "=" + value);
}

nlohmann::json extra_config(const image::ImageConfig &c) {
  return c.config_extra ? *c.config_extra : nlohmann::json::object();
}

Result<std::vector<std::string>> expand_all(const std::vector<std::string> &words,
                                            const dockerfile::Lookup &env, char escape) {
  std::vector<std::string> out;
  for (const auto &w : words)
    out.push_back(TRY(dockerfile::expand_word(w, env, escape)));
  return out;
}

// EXPOSE's words as Docker's ExposedPorts keys: "80/tcp", ranges spread.
Result<std::vector<std::string>> exposed_ports(const std::vector<std::string> &words) {
  std::vector<std::string> out;
  for (const auto &w : words) {
    auto slash = w.find('/');
    std::string ports = w.substr(0, slash), proto = slash == std::string::npos ? "tcp" : str::lower(w.substr(slash + 1));
    if (proto != "tcp" && proto != "udp" && proto != "sctp")
      return make_error(Errc::invalid, "invalid proto: {}", proto);
    auto dash = ports.find('-');
    auto lo = str::to_int(ports.substr(0, dash));
    auto hi = dash == std::string::npos ? lo : str::to_int(ports.substr(dash + 1));
    if (!lo || !hi || *lo < 0 || *hi > 65535 || *lo > *hi)
      return make_error(Errc::invalid, "invalid containerPort: {}", ports);
    for (int p = *lo; p <= *hi; p++)
      out.push_back(fmt::format("{}/{}", p, proto));
  }
  return out;
}

Result<int64_t> health_duration(const std::string &flag, const std::string &text) {
  if (text.empty())
    return int64_t{0};
  auto d = timefmt::parse_go_duration(text);
  if (!d)
    return make_error(Errc::invalid, "time: invalid duration \"{}\"", text);
  if (*d != 0 && *d < 1000000)
    return make_error(Errc::invalid, "Interval \"{}\" cannot be less than 1ms", flag);
  return *d;
}

} // namespace

std::vector<std::string> stage_shell(const image::ImageConfig &c) {
  if (c.config_extra && c.config_extra->contains("Shell") && (*c.config_extra)["Shell"].is_array()) {
    std::vector<std::string> shell;
    for (const auto &s : (*c.config_extra)["Shell"])
      if (s.is_string())
        shell.push_back(s.get<std::string>());
    if (!shell.empty())
      return shell;
  }
  return {"/bin/sh", "-c"};
}

std::string join_workdir(std::string_view current, std::string_view path) {
  if (path.starts_with("/"))
    return fs::clean_path(path);
  return fs::clean_path(fmt::format("/{}/{}", current, path));
}

std::vector<std::string> command_argv(const dockerfile::CommandLine &c, const std::vector<std::string> &shell) {
  if (!c.shell_form)
    return c.args;
  std::vector<std::string> argv = shell;
  argv.push_back(c.args.empty() ? "" : c.args[0]);
  return argv;
}

Result<std::string> apply_metadata(image::ImageConfig &c, const Command &cmd, const dockerfile::Lookup &env,
                                   char escape) {
  auto &rd = c.config;
  auto expand = [&](const std::string &w) { return dockerfile::expand_word(w, env, escape); };
  return std::visit(
      [&](const auto &b) -> Result<std::string> {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, dockerfile::EnvCmd> || std::is_same_v<T, dockerfile::LabelCmd>) {
          // Every pair sees the values from before the instruction.
          std::vector<std::pair<std::string, std::string>> pairs;
          for (const auto &kv : b.pairs)
            pairs.emplace_back(TRY(expand(kv.key)), TRY(expand(kv.value)));
          std::string text;
          for (const auto &[k, v] : pairs) {
            if (k.empty())
              return make_error(Errc::invalid, "{} names can not be blank", cmd.keyword);
            if constexpr (std::is_same_v<T, dockerfile::EnvCmd>)
              set_env(rd.env, k, v);
            else
              rd.labels[k] = v;
            text += fmt::format(" {}={}", k, v);
          }
          return cmd.keyword + text;
        } else if constexpr (std::is_same_v<T, dockerfile::UserCmd>) {
          rd.user = TRY(expand(b.user));
          return "USER " + rd.user;
        } else if constexpr (std::is_same_v<T, dockerfile::WorkdirCmd>) {
          rd.working_dir = join_workdir(rd.working_dir.empty() ? "/" : rd.working_dir, TRY(expand(b.path)));
          return "WORKDIR " + rd.working_dir;
        } else if constexpr (std::is_same_v<T, dockerfile::ExposeCmd>) {
          auto words = TRY(expand_all(b.ports, env, escape));
          auto ports = TRY(exposed_ports(words));
          std::vector<std::string> shown;
          for (const auto &p : ports) {
            if (std::find(rd.exposed_ports.begin(), rd.exposed_ports.end(), p) == rd.exposed_ports.end())
              rd.exposed_ports.push_back(p);
            shown.push_back(p + ":{}");
          }
          std::sort(shown.begin(), shown.end());
          return fmt::format("EXPOSE map[{}]", fmt::join(shown, " "));
        } else if constexpr (std::is_same_v<T, dockerfile::VolumeCmd>) {
          auto paths = TRY(expand_all(b.paths, env, escape));
          for (const auto &p : paths) {
            if (p.empty())
              return make_error(Errc::invalid, "VOLUME specified can not be an empty string");
            if (std::find(rd.volumes.begin(), rd.volumes.end(), p) == rd.volumes.end())
              rd.volumes.push_back(p);
          }
          return "VOLUME " + go_plain(paths);
        } else if constexpr (std::is_same_v<T, dockerfile::CmdCmd>) {
          rd.cmd = command_argv(b.command, stage_shell(c));
          return "CMD " + go_quoted(rd.cmd);
        } else if constexpr (std::is_same_v<T, dockerfile::EntrypointCmd>) {
          rd.entrypoint = command_argv(b.command, stage_shell(c));
          rd.entrypoint_set = true;
          return "ENTRYPOINT " + go_quoted(rd.entrypoint);
        } else if constexpr (std::is_same_v<T, dockerfile::ShellCmd>) {
          auto extra = extra_config(c);
          extra["Shell"] = b.shell;
          c.config_extra = std::make_shared<const nlohmann::json>(std::move(extra));
          return "SHELL " + go_plain(b.shell);
        } else if constexpr (std::is_same_v<T, dockerfile::StopsignalCmd>) {
          rd.stop_signal = TRY(expand(b.signal));
          return "STOPSIGNAL " + rd.stop_signal;
        } else if constexpr (std::is_same_v<T, dockerfile::MaintainerCmd>) {
          c.author = b.name;
          return "MAINTAINER " + b.name;
        } else if constexpr (std::is_same_v<T, dockerfile::OnbuildCmd>) {
          auto extra = extra_config(c);
          if (!extra.contains("OnBuild") || !extra["OnBuild"].is_array())
            extra["OnBuild"] = nlohmann::json::array();
          extra["OnBuild"].push_back(b.expression);
          c.config_extra = std::make_shared<const nlohmann::json>(std::move(extra));
          return "ONBUILD " + b.expression;
        } else if constexpr (std::is_same_v<T, dockerfile::HealthcheckCmd>) {
          image::Healthcheck h;
          if (b.none) {
            h.test = {"NONE"};
          } else {
            if (b.command.shell_form)
              h.test = {"CMD-SHELL", b.command.args.empty() ? "" : b.command.args[0]};
            else {
              h.test = {"CMD"};
              h.test.insert(h.test.end(), b.command.args.begin(), b.command.args.end());
            }
            h.interval = TRY(health_duration("--interval", b.interval));
            h.timeout = TRY(health_duration("--timeout", b.timeout));
            h.start_period = TRY(health_duration("--start-period", b.start_period));
            h.start_interval = TRY(health_duration("--start-interval", b.start_interval));
            if (!b.retries.empty()) {
              auto r = str::to_int(b.retries);
              if (!r)
                return make_error(Errc::invalid, "strconv.ParseInt: parsing \"{}\": invalid syntax", b.retries);
              if (*r < 0)
                return make_error(Errc::invalid, "--retries cannot be negative ({})", *r);
              h.retries = static_cast<int>(*r);
            }
          }
          rd.healthcheck = h;
          return fmt::format("HEALTHCHECK {}", go_quoted(h.test));
        } else {
          return make_error(Errc::invalid, "{} is not a metadata instruction", cmd.keyword);
        }
      },
      cmd.body);
}

} // namespace skiff::build
