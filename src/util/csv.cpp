#include "skiff/util/csv.hpp"

namespace skiff::str {

Result<std::vector<std::string>> csv_fields(std::string_view s) {
  auto fail = [](const char *why) { return make_error(Errc::invalid, "{}", why); };
  std::vector<std::string> out;
  size_t i = 0;
  for (;;) {
    std::string field;
    if (i < s.size() && s[i] == '"') {
      for (i++;; i++) {
        if (i >= s.size())
          return fail("extraneous or missing \" in quoted-field");
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field += '"';
            i++;
            continue;
          }
          i++;
          break;
        }
        field += s[i];
      }
      if (i < s.size() && s[i] != ',')
        return fail("extraneous or missing \" in quoted-field");
    } else {
      size_t end = s.find(',', i);
      field = std::string(s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      if (field.find('"') != std::string::npos)
        return fail("bare \" in non-quoted-field");
      i = end == std::string_view::npos ? s.size() : end;
    }
    out.push_back(std::move(field));
    if (i >= s.size())
      return out;
    i++;  // the comma
  }
}

} // namespace skiff::str
