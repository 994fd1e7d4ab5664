#include "flags.hpp"

#include "skiff/util/strings.hpp"
#include "text.hpp"

namespace skiff::dockerfile {

Result<std::vector<FlagValue>> parse_flags(const std::vector<std::string> &args,
                                           const std::vector<FlagSpec> &specs) {
  std::vector<FlagValue> values(specs.size());
  for (size_t i = 0; i < specs.size(); i++)
    if (specs[i].kind == FlagKind::boolean)
      values[i].value = "false";
  for (const auto &a : args) {
    size_t eq = a.find('=');
    bool has_value = eq != std::string::npos;
    std::string flag_name = a.substr(0, eq);
    std::string value = has_value ? a.substr(eq + 1) : "";
    std::string name = flag_name.substr(2);
    size_t i = 0;
    while (i < specs.size() && specs[i].name != name)
      i++;
    if (i == specs.size()) {
      std::vector<std::string> options;
      for (const auto &s : specs)
        options.emplace_back(s.name);
      std::string match = text::suggest(name, options, true);
      if (!match.empty())
        return make_error(Errc::invalid, "unknown flag: {} (did you mean {}?)", flag_name, match);
      return make_error(Errc::invalid, "unknown flag: {}", flag_name);
    }
    FlagValue &v = values[i];
    if (v.used && specs[i].kind != FlagKind::strings)
      return make_error(Errc::invalid, "duplicate flag specified: {}", flag_name);
    v.used = true;
    switch (specs[i].kind) {
    case FlagKind::boolean: {
      if (has_value && value.empty())
        return make_error(Errc::invalid, "missing a value on flag: {}", flag_name);
      std::string lower = str::lower(value);
      if (lower != "true" && lower != "" && lower != "false")
        return make_error(Errc::invalid, "expecting boolean value for flag {}, not: {}",
                          flag_name, value);
      v.value = lower == "false" ? "false" : "true";
      break;
    }
    case FlagKind::string:
      if (!has_value)
        return make_error(Errc::invalid, "missing a value on flag: {}", flag_name);
      v.value = value;
      break;
    case FlagKind::strings:
      if (!has_value)
        return make_error(Errc::invalid, "missing a value on flag: {}", flag_name);
      v.values.push_back(value);
      break;
    }
  }
  return values;
}

} // namespace skiff::dockerfile
