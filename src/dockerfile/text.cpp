#include "text.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "skiff/util/strings.hpp"

namespace skiff::dockerfile::text {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string_view trim_left_space(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    Rune r = decode(s, pos);
    if (!is_space(r.cp))
      break;
    pos += r.len;
  }
  return s.substr(pos);
}

std::string_view trim_space(std::string_view s) {
  s = trim_left_space(s);
  // Walk forward, remembering where the last non-space character ends.
  size_t end = 0;
  for (size_t pos = 0; pos < s.size();) {
    Rune r = decode(s, pos);
    pos += r.len;
    if (!is_space(r.cp))
      end = pos;
  }
  return s.substr(0, end);
}

static bool is_re_whitespace(char c) {
  return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
}

std::vector<std::string> split_whitespace(std::string_view s, int limit) {
  std::vector<std::string> parts;
  size_t start = 0, pos = 0;
  while (pos < s.size()) {
    if (limit >= 0 && static_cast<int>(parts.size()) == limit - 1)
      break;
    if (!is_re_whitespace(s[pos])) {
      pos++;
      continue;
    }
    parts.emplace_back(s.substr(start, pos - start));
    while (pos < s.size() && is_re_whitespace(s[pos]))
      pos++;
    start = pos;
  }
  parts.emplace_back(s.substr(start));
  return parts;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (size_t pos = 0; pos < s.size();) {
    Rune r = decode(s, pos);
    if (r.cp == 0xFFFD && r.len == 1) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[pos]));
    } else if (r.cp == '"' || r.cp == '\\') {
      out += '\\';
      out += static_cast<char>(r.cp);
    } else if (r.cp == '\n') {
      out += "\\n";
    } else if (r.cp == '\t') {
      out += "\\t";
    } else if (r.cp == '\r') {
      out += "\\r";
    } else if (r.cp < 0x20 || r.cp == 0x7F) {
      out += fmt::format("\\x{:02x}", r.cp);
    } else {
      out.append(s.substr(pos, r.len));
    }
    pos += r.len;
  }
  return out + "\"";
}

static size_t levenshtein(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); j++)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); j++) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string suggest(std::string_view value, const std::vector<std::string> &options,
                    bool case_sensitive) {
  std::string val = case_sensitive ? std::string(value) : str::lower(value);
  std::string match;
  size_t mindist = 3;
  for (const auto &o : options) {
    std::string opt = case_sensitive ? o : str::lower(o);
    if (val == opt)
      return "";
    if (size_t d = levenshtein(val, opt); d < mindist) {
      match = opt;
      mindist = d;
    }
  }
  // Case-insensitive matches follow the case of what was written.
  auto has = [&](int (*pred)(int)) {
    return std::any_of(value.begin(), value.end(), [&](unsigned char c) { return pred(c) != 0; });
  };
  if (!case_sensitive && has(std::isupper) && !has(std::islower))
    match = upper(match);
  return match;
}

} // namespace skiff::dockerfile::text
