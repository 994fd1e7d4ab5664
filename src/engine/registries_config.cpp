// Finding and reading registries.conf as containers/image does: the
// user's file when there is one, else the system's, then the drop-ins.
#include <algorithm>
#include <cstdlib>
#include <optional>

#include "skiff/engine/pull.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::engine {

using registry::RegistriesConf;

namespace {

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

Result<RegistriesConf> read_conf(const std::string &path) {
  auto text = fs::read_file(path);
  if (!text)
    return std::move(text).error();
  return RegistriesConf::parse(*text, path);
}

Result<RegistriesConf> load() {
  // Tests and one-off setups name the only file to read.
  if (auto only = env("CONTAINERS_REGISTRIES_CONF"); !only.empty())
    return read_conf(only);
  std::string config_home = env("XDG_CONFIG_HOME");
  if (config_home.empty())
    config_home = env("HOME") + "/.config";
  std::string user = config_home + "/containers/registries.conf";
  std::string main = fs::exists(user) ? user : "/etc/containers/registries.conf";
  RegistriesConf conf;
  if (fs::exists(main))
    conf = TRY(read_conf(main));
  for (const auto &dir : {std::string("/etc/containers/registries.conf.d"),
                          config_home + "/containers/registries.conf.d"}) {
    auto names = fs::list_dir(dir).value_or(std::vector<std::string>{});
    std::sort(names.begin(), names.end());
    for (const auto &n : names)
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".conf") == 0)
        conf.merge(TRY(read_conf(dir + "/" + n)));
  }
  return conf;
}

} // namespace

Result<RegistriesConf> registries_conf() {
  static std::optional<Result<RegistriesConf>> cached;
  if (!cached)
    cached = load();
  return *cached;
}

Result<std::vector<image::Reference>> local_names(std::string_view text) {
  std::vector<image::Reference> out;
  auto docker = image::parse_reference(text);
  if (!docker)
    return out;
  if (registry::is_short_name(text)) {
    auto conf = TRY(registries_conf());
    if (!conf.search.empty())
      out = TRY(conf.candidates(text));
  }
  if (std::none_of(out.begin(), out.end(), [&](const auto &r) { return r.full() == docker->full(); }))
    out.push_back(std::move(*docker));
  return out;
}

} // namespace skiff::engine
