// Named volumes: a directory _data under the store with a small record.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "skiff/engine/engine.hpp"
#include "skiff/engine/volume_options.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/json_read.hpp"
#include "skiff/util/timefmt.hpp"
#include "volume_mounts.hpp"

namespace skiff::engine {

using nlohmann::json;

// moby's volume/local validateName, in its words (with the "create NAME: "
// its volume service puts before them).
static Status check_volume_name(const std::string &n) {
  bool chars = !n.empty() && std::isalnum(static_cast<unsigned char>(n[0])) &&
               std::all_of(n.begin(), n.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
               });
  if (chars && n.size() < 2)
    return make_error(Errc::invalid,
                      "create {}: volume name is too short, names should be at least two alphanumeric characters", n);
  if (!chars)
    return make_error(Errc::invalid,
                      "create {0}: \"{0}\" includes invalid characters for a local volume name, only "
                      "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, "
                      "use absolute path",
                      n);
  return {};
}

Result<json> Engine::create_volume(const std::string &name, const std::map<std::string, std::string> &labels,
                                   const std::string &driver, const std::map<std::string, std::string> &options) {
  TRY_STATUS(check_volume_driver(name, driver));
  TRY_STATUS(check_volume_name(name));
  auto lock = TRY(store_.lock_volumes());
  std::string dir = store_.volume_dir(name);
  if (fs::exists(dir + "/volume.json"))
    return volume(name);
  TRY_STATUS(check_volume_options(name, options));
  TRY_STATUS(fs::mkdir_p(dir + "/_data", 0755));
  json v = {{"CreatedAt", timefmt::rfc3339nano(timefmt::now_ns()).substr(0, 19) + "Z"},
            {"Driver", "local"},
            {"Labels", labels.empty() ? json(nullptr) : json(labels)},
            {"Mountpoint", dir + "/_data"},
            {"Name", name},
            {"Options", options.empty() ? json(nullptr) : json(options)},
            {"Scope", "local"}};
  TRY_STATUS(fs::write_file_atomic(dir + "/volume.json", v.dump(), true, 0600));
  return v;
}

Result<json> Engine::volume(const std::string &name) {
  std::string path = store_.volume_dir(name) + "/volume.json";
  auto text = fs::read_file(path);
  if (!text || name.find('/') != std::string::npos)
    return make_error(Errc::not_found, "No such volume: {}", name);
  // Shown as it is by inspect: the fields other commands read are checked.
  auto doc = TRY(JsonDoc::parse(*text, path, Errc::failed));
  JsonField v = doc.root();
  for (const char *key : {"CreatedAt", "Driver", "Mountpoint", "Name"})
    v[key].required().as_string();
  v["Scope"].as_string();
  v["Labels"].as_string_map();
  v["Options"].as_string_map();
  TRY_STATUS(doc.status());
  return v.raw();
}

Result<std::vector<json>> Engine::volumes() {
  std::vector<json> out;
  auto names = TRY(fs::list_dir(store_.root() + "/volumes"));
  std::sort(names.begin(), names.end());
  for (const auto &n : names) {
    auto v = volume(n);
    if (v)
      out.push_back(*v);
    else if (v.error().code != Errc::not_found)  // not_found: being created or removed
      return std::move(v).error();
  }
  return out;
}

Result<std::vector<std::string>> Engine::volume_users(const std::string &name) {
  std::vector<std::string> out;
  for (const auto &c : TRY(containers()))
    for (const auto &m : c.config.mounts)
      if (m.type == "volume" && m.source == name)
        out.push_back(c.config.id);
  return out;
}

Status Engine::remove_volume(const std::string &name, bool force) {
  auto v = volume(name);
  if (!v)
    return force && v.error().code == Errc::not_found ? Status{} : Status(v.error());
  // In use is refused even with -f, as Docker does: the container would be
  // left pointing at nothing.
  auto users = TRY(volume_users(name));
  if (!users.empty())
    return make_error(Errc::conflict, "remove {}: volume is in use - [{}]", name, users.front());
  auto lock = TRY(store_.lock_volumes());
  // Never into what is mounted there: a bind volume's host directory.
  TRY_STATUS(unmount_unused_volume(store_, name));
  return fs::remove_all(store_.volume_dir(name));
}

} // namespace skiff::engine
