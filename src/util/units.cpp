#include "skiff/util/units.hpp"

#include <cmath>

#include <fmt/format.h>

#include "skiff/util/strings.hpp"

namespace skiff::units {

std::string human_size(double bytes, int precision) {
  static constexpr const char *names[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  int i = 0;
  while (bytes >= 1000.0 && i < 8) {
    bytes /= 1000.0;
    i++;
  }
  // Go's %.*g, as go-units formats it: significant digits without
  // trailing zeros.
  std::string num = fmt::format("{:.{}g}", bytes, precision);
  return num + names[i];
}

std::optional<int64_t> parse_ram(std::string_view s) {
  s = str::trim(s);
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
    i++;
  auto num = str::to_double(s.substr(0, i));
  if (!num || *num < 0)
    return std::nullopt;
  std::string unit = str::lower(s.substr(i));
  if (!unit.empty() && unit.back() == 'b')
    unit.pop_back();
  if (unit.size() == 2 && unit[1] == 'i')
    unit.pop_back();
  double mult;
  if (unit.empty())
    mult = 1;
  else if (unit == "k")
    mult = 1024.0;
  else if (unit == "m")
    mult = 1024.0 * 1024;
  else if (unit == "g")
    mult = 1024.0 * 1024 * 1024;
  else if (unit == "t")
    mult = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "p")
    mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
  else
    return std::nullopt;
  return static_cast<int64_t>(*num * mult);
}

} // namespace skiff::units
