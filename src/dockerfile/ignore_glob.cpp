#include "ignore_glob.hpp"

#include <algorithm>
#include <vector>

#include "runes.hpp"

namespace skiff::dockerfile::detail {

std::string go_clean(std::string_view path) {
  if (path.empty())
    return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    std::string_view el = path.substr(i, j - i);
    i = j + 1;
    if (el.empty() || el == ".")
      continue;
    if (el == "..") {
      if (!out.empty() && out.back() != "..")
        out.pop_back();
      else if (!rooted)
        out.push_back(el);  // a relative path may climb; a rooted one stops at "/"
      continue;
    }
    out.push_back(el);
  }
  std::string s = rooted ? "/" : "";
  for (size_t k = 0; k < out.size(); ++k) {
    if (k)
      s += '/';
    s.append(out[k]);
  }
  return s.empty() ? "." : s;
}

std::string_view go_trim_space(std::string_view s) {
  size_t start = s.size(), end = 0, w = 0;
  for (size_t i = 0; i < s.size(); i += w) {
    if (is_space(decode_rune(s, i, &w)))
      continue;
    start = std::min(start, i);
    end = i + w;
  }
  return start < end ? s.substr(start, end - start) : std::string_view();
}

namespace {

// filepath's getEsc: one class member, maybe escaped; something must follow.
bool class_member(std::string_view &chunk) {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']')
    return false;
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty())
      return false;
  }
  size_t w;
  if (decode_rune(chunk, 0, &w) == kRuneError && w == 1)
    return false;
  chunk.remove_prefix(w);
  return !chunk.empty();
}

// matchChunk's syntax checks, which it makes even once the match failed.
bool chunk_ok(std::string_view chunk) {
  while (!chunk.empty()) {
    switch (chunk[0]) {
    case '[': {
      chunk.remove_prefix(1);
      if (!chunk.empty() && chunk[0] == '^')
        chunk.remove_prefix(1);
      for (int ranges = 0;; ++ranges) {
        if (!chunk.empty() && chunk[0] == ']' && ranges > 0) {
          chunk.remove_prefix(1);
          break;
        }
        if (!class_member(chunk))
          return false;
        if (chunk[0] == '-') {
          chunk.remove_prefix(1);
          if (!class_member(chunk))
            return false;
        }
      }
      break;
    }
    case '\\':
      if (chunk.size() == 1)
        return false;
      chunk.remove_prefix(2);
      break;
    default: chunk.remove_prefix(1);
    }
  }
  return true;
}

} // namespace

// filepath.Match splits the pattern into chunks at stars outside classes
// and checks every chunk, whatever the name.
bool glob_syntax_ok(std::string_view p) {
  while (!p.empty()) {
    while (!p.empty() && p[0] == '*')
      p.remove_prefix(1);
    bool in_range = false;
    size_t i = 0;
    for (; i < p.size(); ++i) {
      if (p[i] == '\\') {
        if (i + 1 < p.size())
          ++i;
      } else if (p[i] == '[') {
        in_range = true;
      } else if (p[i] == ']') {
        in_range = false;
      } else if (p[i] == '*' && !in_range) {
        break;
      }
    }
    if (!chunk_ok(p.substr(0, i)))
      return false;
    p.remove_prefix(i);
  }
  return true;
}

} // namespace skiff::dockerfile::detail
