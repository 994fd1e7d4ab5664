#include "skiff/engine/network_filter.hpp"

#include <algorithm>

#include "skiff/engine/image_filter.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::engine {

Result<NetworkFilter> parse_network_filter(const std::vector<std::string> &words, bool prune, int64_t now_ns) {
  static const std::vector<std::string_view> ls_keys{"dangling", "driver", "id", "label", "name", "scope", "type"};
  static const std::vector<std::string_view> prune_keys{"until", "label", "label!"};
  NetworkFilter f;
  std::vector<std::string> dangling;
  for (const auto &w : words) {
    auto [key, value] = TRY(filter_word(w, prune ? prune_keys : ls_keys));
    if (key == "driver")
      f.drivers.push_back(value);
    else if (key == "id")
      f.ids.push_back(value);
    else if (key == "name")
      f.names.push_back(value);
    else if (key == "scope")
      f.scopes.push_back(value);
    else if (key == "label")
      f.labels.push_back(value);
    else if (key == "label!")
      f.not_labels.push_back(value);
    else if (key == "dangling")
      dangling.push_back(value);
    else if (key == "type") {
      if (value != "builtin" && value != "custom")
        return make_error(Errc::invalid, "invalid filter: 'type'='{}'", value);
      f.types.push_back(value);
    } else if (key == "until") {
      if (f.until)
        return make_error(Errc::invalid, "more than one until filter specified");
      auto t = timefmt::parse_time_arg(value, now_ns);
      if (!t)
        return make_error(Errc::invalid, "invalid value for 'until' filter: \"{}\"", value);
      f.until = *t;
    }
  }
  // A filter's values are a set in Docker: one value given twice is one.
  std::sort(dangling.begin(), dangling.end());
  dangling.erase(std::unique(dangling.begin(), dangling.end()), dangling.end());
  if (dangling.size() > 1)
    return make_error(Errc::invalid, "got more than one value for filter key \"dangling\"");
  if (!dangling.empty()) {
    const auto &v = dangling[0];
    if (v == "1" || v == "true")
      f.dangling = true;
    else if (v == "0" || v == "false")
      f.dangling = false;
    else
      return make_error(Errc::invalid,
                        "invalid value for filter 'dangling', must be \"true\" (or \"1\"), or \"false\" (or \"0\")");
  }
  return f;
}

bool NetworkFilter::matches(const Subject &n) const {
  auto exact = [](const std::vector<std::string> &vals, const std::string &s) {
    return vals.empty() || std::find(vals.begin(), vals.end(), s) != vals.end();
  };
  if (!exact(drivers, n.driver) || !exact(scopes, "local"))
    return false;
  if (!names.empty() && !any_value_matches(names, n.name))
    return false;
  if (!ids.empty() && !any_value_matches(ids, n.id))
    return false;
  if (!labels_match(labels, n.labels))
    return false;
  if (!not_labels.empty() && labels_match(not_labels, n.labels))
    return false;
  if (dangling && *dangling != (!n.predefined && !n.in_use))
    return false;
  if (!types.empty() && !exact(types, n.predefined ? "builtin" : "custom"))
    return false;
  if (until && n.created > *until)
    return false;
  return true;
}

} // namespace skiff::engine
