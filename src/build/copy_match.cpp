// Go's filepath.Match and patternmatcher's exclusion rules.
#include "copy_match.hpp"

#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::build {

namespace {

// One `[...]` class at p (just past '['): whether c is in it; p moves past
// ']'. False in `ok` for a malformed class.
bool match_class(std::string_view pat, size_t &p, char c, bool &ok) {
  bool negate = p < pat.size() && pat[p] == '^';
  if (negate)
    ++p;
  bool in = false;
  bool first = true;
  while (true) {
    if (p >= pat.size()) {
      ok = false;
      return false;
    }
    if (pat[p] == ']' && !first) {
      ++p;
      break;
    }
    first = false;
    char lo = pat[p];
    if (lo == '\\' && ++p < pat.size())
      lo = pat[p];
    ++p;
    char hi = lo;
    if (p + 1 < pat.size() && pat[p] == '-' && pat[p + 1] != ']') {
      hi = pat[p + 1];
      p += 2;
      if (hi == '\\' && p < pat.size())
        hi = pat[p++];
    }
    if (lo <= c && c <= hi)
      in = true;
  }
  return in != negate;
}

bool match_from(std::string_view pat, size_t p, std::string_view s, size_t i) {
  while (p < pat.size()) {
    char pc = pat[p];
    if (pc == '*') {
      while (p < pat.size() && pat[p] == '*')
        ++p;
      // A star stops at '/': try every split within this component.
      for (size_t j = i;; ++j) {
        if (match_from(pat, p, s, j))
          return true;
        if (j >= s.size() || s[j] == '/')
          return false;
      }
    }
    if (i >= s.size() || s[i] == '/') {
      if (i < s.size() && pc == '/') {
        ++p, ++i;
        continue;
      }
      return false;
    }
    if (pc == '?') {
      ++p, ++i;
    } else if (pc == '[') {
      ++p;
      bool ok = true;
      if (!match_class(pat, p, s[i], ok) || !ok)
        return false;
      ++i;
    } else {
      if (pc == '\\' && p + 1 < pat.size())
        pc = pat[++p];
      if (pc != s[i])
        return false;
      ++p, ++i;
    }
  }
  return i == s.size();
}

// `parts` against the path's components from `pi`/`si`; `**` takes any
// number of components. A match of a leading part of the path counts:
// what is below a matched directory is matched with it.
bool match_parts(const std::vector<std::string> &parts, size_t pi,
                 const std::vector<std::string> &path, size_t si) {
  if (pi == parts.size())
    return true;
  if (parts[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k)
      if (match_parts(parts, pi + 1, path, k))
        return true;
    return false;
  }
  if (si == path.size() || !glob_match(parts[pi], path[si]))
    return false;
  return match_parts(parts, pi + 1, path, si + 1);
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view name) {
  return match_from(pattern, 0, name, 0);
}

bool has_wildcards(std::string_view path) {
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\')
      ++i;
    else if (path[i] == '*' || path[i] == '?' || path[i] == '[')
      return true;
  }
  return false;
}

ExcludeMatcher::ExcludeMatcher(const std::vector<std::string> &patterns) {
  for (const auto &raw : patterns) {
    std::string_view t = str::trim(raw);
    Pattern p;
    if (!t.empty() && t[0] == '!') {
      p.exception = true;
      exceptions_ = true;
      t.remove_prefix(1);
    }
    std::string clean = fs::clean_path(t).substr(1);
    if (clean.empty())
      continue;
    p.parts = str::split(clean, '/');
    patterns_.push_back(std::move(p));
  }
}

bool ExcludeMatcher::excluded(std::string_view path) const {
  auto comps = str::split(path, '/');
  bool out = false;
  for (const auto &p : patterns_)
    if (match_parts(p.parts, 0, comps, 0))
      out = !p.exception;
  return out;
}

} // namespace skiff::build
