// The container's environment: the image's, env files, -e.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "invalid.hpp"
#include "skiff/spec/merge.hpp"
#include "skiff/spec/parse.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::spec {

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

static std::string env_key(const std::string &kv) { return kv.substr(0, kv.find('=')); }

Result<std::vector<std::string>> container_env(const CreateOptions &o,
                                               const std::vector<std::string> &image_env) {
  std::vector<std::string> env;
  for (const auto &content : o.env_files)
    for (auto &kv : TRY(parse_env_file(content, o.host_env)))
      env.push_back(std::move(kv));
  for (const auto &e : o.env) {
    if (e.empty() || e[0] == '=')  // docker/cli's opts.ValidateEnv, as pflag reports it
      return flag_invalid("-e, --env", e, fmt::format("invalid environment variable: {}", e));
    if (e.find('=') != std::string::npos)
      env.push_back(e);
    else if (auto v = host_value(o.host_env, e))
      env.push_back(e + "=" + *v);
    else
      env.push_back(e);  // kept bare, as Docker records it: it unsets the KEY
  }
  size_t given = env.size();
  for (const auto &e : image_env)
    if (std::none_of(env.begin(), env.begin() + static_cast<std::ptrdiff_t>(given),
                     [&](const std::string &x) { return env_key(x) == env_key(e); }))
      env.push_back(e);
  return env;
}

std::vector<std::string> process_env(const std::vector<std::string> &config_env, bool tty,
                                     const std::string &hostname) {
  std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                  "HOSTNAME=" + hostname};
  if (tty)
    env.push_back("TERM=xterm");
  for (const auto &e : config_env) {
    auto it = std::find_if(env.begin(), env.end(), [&](const std::string &x) { return env_key(x) == env_key(e); });
    bool bare = e.find('=') == std::string::npos;
    if (it != env.end() && bare)
      env.erase(it);
    else if (it != env.end())
      *it = e;
    else if (!bare)
      env.push_back(e);
  }
  return env;
}

} // namespace skiff::spec
