#include "skiff/engine/image_filter.hpp"

#include <algorithm>
#include <regex>

#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::engine {

namespace {

Error bad_pattern(std::string_view pattern) {
  return make_error(Errc::invalid, "invalid reference filter \"{}\": syntax error in pattern", pattern);
}

// Matches one character class starting after '[' at p[i]; sets i past ']'.
Result<bool> match_class(std::string_view p, size_t &i, char c) {
  bool negate = i < p.size() && p[i] == '^';
  if (negate)
    i++;
  bool matched = false;
  for (bool first = true;; first = false) {
    if (i >= p.size())
      return bad_pattern(p);
    if (p[i] == ']' && !first)
      break;
    auto take = [&]() -> Result<char> {
      if (i >= p.size() || p[i] == ']' || p[i] == '-')
        return bad_pattern(p);
      if (p[i] == '\\') {
        if (++i >= p.size())
          return bad_pattern(p);
      }
      return p[i++];
    };
    char lo = TRY(take());
    char hi = lo;
    if (i < p.size() && p[i] == '-') {
      i++;
      hi = TRY(take());
    }
    if (lo <= c && c <= hi)
      matched = true;
  }
  i++; // ']'
  return matched != negate;
}

// Checks the whole pattern, as path.Match reports ErrBadPattern even when
// the name fails to match earlier.
Status validate(std::string_view p) {
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '\\') {
      if (i + 1 >= p.size())
        return bad_pattern(p);
      i += 2;
    } else if (p[i] == '[') {
      i++;
      TRY(match_class(p, i, '\0'));
    } else {
      i++;
    }
  }
  return {};
}

Result<bool> match_from(std::string_view p, size_t pi, std::string_view n, size_t ni) {
  while (pi < p.size()) {
    char pc = p[pi];
    if (pc == '*') {
      // Any run of non-'/' characters, the shortest first.
      while (pi < p.size() && p[pi] == '*')
        pi++;
      for (size_t k = ni;; k++) {
        if (TRY(match_from(p, pi, n, k)))
          return true;
        if (k >= n.size() || n[k] == '/')
          return false;
      }
    }
    if (ni >= n.size())
      return false;
    if (pc == '?') {
      if (n[ni] == '/')
        return false;
      pi++;
    } else if (pc == '[') {
      pi++;
      if (n[ni] == '/' || !TRY(match_class(p, pi, n[ni])))
        return false;
    } else {
      if (pc == '\\')
        pc = p[++pi];
      if (pc != n[ni])
        return false;
      pi++;
    }
    ni++;
  }
  return ni == n.size();
}

} // namespace

Result<bool> glob_match(std::string_view pattern, std::string_view name) {
  TRY_STATUS(validate(pattern));
  return match_from(pattern, 0, name, 0);
}

Result<bool> reference_matches(std::string_view pattern, const image::Reference &ref) {
  if (TRY(glob_match(pattern, ref.familiar())))
    return true;
  return glob_match(pattern, ref.familiar_repository());
}

Result<std::pair<std::string, std::string>> filter_word(const std::string &word,
                                                        const std::vector<std::string_view> &accepted) {
  auto kv = str::cut(word, '=');
  if (!kv)
    return make_error(Errc::invalid, "bad format of filter (expected name=value)");
  if (std::find(accepted.begin(), accepted.end(), kv->first) == accepted.end())
    return make_error(Errc::invalid, "invalid filter '{}'", kv->first);
  return std::pair<std::string, std::string>(kv->first, kv->second);
}

bool any_value_matches(const std::vector<std::string> &patterns, const std::string &s) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string &p) {
    if (p == s)
      return true;
    try {
      return std::regex_search(s, std::regex(p));
    } catch (const std::regex_error &) {
      return false;
    }
  });
}

bool labels_match(const std::vector<std::string> &conditions, const std::map<std::string, std::string> &labels) {
  return std::all_of(conditions.begin(), conditions.end(), [&](const std::string &c) {
    auto kv = str::cut(c, '=');
    auto it = labels.find(kv ? kv->first : c);
    return it != labels.end() && (!kv || it->second == kv->second);
  });
}

bool ImageFilter::keeps(const std::map<std::string, std::string> &image_labels, int64_t created, bool tagged) const {
  if (dangling && *dangling == tagged)
    return false;
  if (until && created > *until)
    return false;
  if (!labels_match(labels, image_labels))
    return false;
  if (!not_labels.empty() && labels_match(not_labels, image_labels))
    return false;
  return true;
}

Result<ImageFilter> parse_image_filter(const std::vector<std::string> &words,
                                       const std::vector<std::string_view> &accepted, int64_t now) {
  ImageFilter f;
  for (const auto &w : words) {
    auto kv = str::cut(w, '=');
    if (!kv)
      return make_error(Errc::invalid, "bad format of filter \"{}\" (expected name=value)", w);
    const auto &[key, value] = *kv;
    if (std::find(accepted.begin(), accepted.end(), key) == accepted.end())
      return make_error(Errc::invalid, "invalid filter '{}'", key);
    if (key == "dangling") {
      if (value != "true" && value != "false" && value != "1" && value != "0")
        return make_error(Errc::invalid, "invalid filter 'dangling={}'", value);
      f.dangling = value == "true" || value == "1";
    } else if (key == "reference") {
      TRY_STATUS(validate(value));
      f.references.push_back(value);
    } else if (key == "before") {
      f.before = value;
    } else if (key == "since") {
      f.since = value;
    } else if (key == "label") {
      f.labels.push_back(value);
    } else if (key == "label!") {
      f.not_labels.push_back(value);
    } else if (key == "until") {
      if (f.until)
        return make_error(Errc::invalid, "more than one until filter specified");
      auto t = timefmt::parse_time_arg(value, now);
      if (!t)
        return make_error(Errc::invalid, "invalid value for 'until' filter: \"{}\"", value);
      f.until = *t;
    }
  }
  return f;
}

} // namespace skiff::engine
