// Go's key order for typed JSON: structs in field order, maps sorted.
#include <nlohmann/json.hpp>

#include "skiff/gotmpl/template.hpp"

namespace skiff::gotmpl {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::string child_path(const std::string &path, const std::string &name) {
  return path.empty() ? name : path + "." + name;
}

ordered_json order(const json &j, const Types &types, const std::string &path) {
  if (j.is_array()) {
    ordered_json out = ordered_json::array();
    for (const auto &e : j)
      out.push_back(order(e, types, child_path(path, "[]")));
    return out;
  }
  if (!j.is_object())
    return ordered_json(j);
  ordered_json out = ordered_json::object();
  if (types.maps.count(path)) {
    // nlohmann::json iterates its keys sorted, as Go prints a map's.
    for (const auto &[k, v] : j.items())
      out[k] = order(v, types, child_path(path, "*"));
    return out;
  }
  auto add = [&](const std::string &k, const json &v) { out[k] = order(v, types, child_path(path, types.go_field(path, k))); };
  auto listed = types.order.find(path);
  if (listed != types.order.end())
    for (const auto &k : listed->second)
      if (auto it = j.find(k); it != j.end())
        add(k, *it);
  for (const auto &[k, v] : j.items())
    if (!out.contains(k))
      add(k, v);
  return out;
}

} // namespace

std::string Types::go_field(const std::string &path, const std::string &key) const {
  std::string prefix = path.empty() ? "" : path + ".";
  for (const auto &[go_path, json_key] : keys)
    if (json_key == key && go_path.starts_with(prefix) && go_path.find('.', prefix.size()) == std::string::npos)
      return go_path.substr(prefix.size());
  return key;
}

ordered_json go_order(const json &data, const Types &types) { return order(data, types, ""); }

} // namespace skiff::gotmpl
