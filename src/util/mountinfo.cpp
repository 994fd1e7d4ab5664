#include "skiff/util/mountinfo.hpp"

#include <algorithm>
#include <sstream>

namespace skiff {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        std::all_of(s.begin() + i + 1, s.begin() + i + 4, [](char c) { return c >= '0' && c <= '7'; })) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

} // namespace

std::vector<MountInfo> parse_mountinfo(std::string_view text) {
  std::vector<MountInfo> out;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    // id parent dev root mountpoint opts [optional...] - fstype source super
    std::istringstream in(line);
    std::vector<std::string> f;
    for (std::string w; in >> w;)
      f.push_back(w);
    auto sep = std::find(f.begin(), f.end(), "-");
    if (f.size() < 6 || sep - f.begin() < 6 || f.end() - sep < 4)
      continue;
    MountInfo m{unescape(f[3]), unescape(f[4]), sep[1], unescape(sep[2]), sep[3], false};
    m.shared = std::any_of(f.begin() + 6, sep, [](const std::string &o) { return o.rfind("shared:", 0) == 0; });
    out.push_back(std::move(m));
  }
  return out;
}

} // namespace skiff
