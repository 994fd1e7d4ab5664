#include "skiff/engine/volume_filter.hpp"

#include <algorithm>

#include "skiff/engine/image_filter.hpp"

namespace skiff::engine {

Result<VolumeFilter> parse_volume_filter(const std::vector<std::string> &words,
                                         const std::vector<std::string_view> &accepted) {
  VolumeFilter f;
  for (const auto &w : words) {
    auto kv = TRY(filter_word(w, accepted));
    const auto &[key, value] = kv;
    if (key == "name")
      f.names.push_back(value);
    else if (key == "driver")
      f.drivers.push_back(value);
    else if (key == "label")
      f.labels.push_back(value);
    else if (key == "label!")
      f.not_labels.push_back(value);
    else if (key == "dangling") {
      if (value == "true" || value == "1")
        f.dangling = true;
      else if (value == "false" || value == "0")
        f.dangling = false;
      else
        return make_error(Errc::invalid, "invalid filter 'dangling={}'", value);
    }
  }
  return f;
}

bool VolumeFilter::matches(const std::string &name, const std::string &driver,
                           const std::map<std::string, std::string> &volume_labels, bool in_use) const {
  if (!names.empty() && !any_value_matches(names, name))
    return false;
  if (!drivers.empty() && !any_value_matches(drivers, driver))
    return false;
  if (dangling && *dangling == in_use)
    return false;
  if (!labels_match(labels, volume_labels))
    return false;
  if (!not_labels.empty() && labels_match(not_labels, volume_labels))
    return false;
  return true;
}

} // namespace skiff::engine
