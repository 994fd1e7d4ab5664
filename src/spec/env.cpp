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

static void set_env(std::vector<std::string> &env, const std::string &kv) {
  auto key = kv.substr(0, kv.find('='));
  std::erase_if(env, [&](const std::string &e) { return e.substr(0, e.find('=')) == key; });
  env.push_back(kv);
}

Result<std::vector<std::string>> container_env(const CreateOptions &o,
                                               const std::vector<std::string> &image_env) {
  std::vector<std::string> env = image_env;
  if (std::none_of(env.begin(), env.end(), [](const auto &e) { return e.rfind("PATH=", 0) == 0; }))
    env.insert(env.begin(), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (const auto &content : o.env_files)
    for (const auto &kv : TRY(parse_env_file(content, o.host_env)))
      set_env(env, kv);
  for (const auto &e : o.env) {
    if (e.empty() || e[0] == '=')
      return invalid(fmt::format("invalid environment variable \"{}\": no name", e));
    if (e.find('=') != std::string::npos)
      set_env(env, e);
    else if (auto v = host_value(o.host_env, e))
      set_env(env, e + "=" + *v);
  }
  return env;
}

} // namespace skiff::spec
