#include "shell_pattern.hpp"

#include <algorithm>

#include "regex.hpp"
#include "runes.hpp"

namespace skiff::dockerfile::detail {
namespace {

Error invalid(std::string_view pattern, std::string_view why) {
  return make_error(Errc::invalid, "invalid pattern ({}) in substitution: {}", pattern, why);
}

// convertShellPatternToRegex: `*` is `.*` (greedy) or `.*?`, `?` is `.`,
// `\}` and `\/` lose their backslash (they only escaped the ${} syntax),
// and `\` may escape only `*`, `?` and itself.
Result<Regex> shell_regex(std::string_view pattern, bool greedy, bool anchored) {
  RuneScanner s(pattern);
  std::string out = anchored ? "^" : "";
  for (char32_t tok = s.next(); tok != kEof; tok = s.next()) {
    switch (tok) {
    case '*': out += greedy ? ".*" : ".*?"; continue;
    case '?': out += '.'; continue;
    case '\\':
      if (s.peek() == '}' || s.peek() == '/')
        continue;
      out += '\\';
      tok = s.next();
      if (tok != '*' && tok != '?' && tok != '\\') {
        std::string why = "invalid escape '\\";
        append_rune(why, tok);
        return invalid(pattern, why + "'");
      }
      break;
    case '[': case ']': case '{': case '}': case '.': case '+': case '(': case ')': case '|':
    case '^': case '$':
      out += '\\';
      break;
    default: break;
    }
    append_rune(out, tok);
  }
  auto re = Regex::compile(out);
  if (!re)
    return invalid(pattern, re.error().message);
  return std::move(*re);
}

// The byte offset of rune `n` in s.
size_t byte_offset(std::string_view s, size_t n) {
  size_t i = 0, w = 0;
  for (; n > 0 && i < s.size(); --n)
    decode_rune(s, i, &w), i += w;
  return i;
}

// reversePattern: reverses the runes but keeps each `\x` escape in order.
std::u32string reverse_pattern(std::u32string_view p) {
  std::u32string out(p.size(), 0);
  size_t last = p.size() - 1;
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '\\' && i != last) {
      out[last - i - 1] = '\\';
      out[last - i] = p[i + 1];
      i += 2;
    } else {
      out[last - i] = p[i];
      ++i;
    }
  }
  return out;
}

// Go's Regexp.Expand for a regexp without groups: `$0`/`${0}` is the whole
// match, other names are empty, `$$` is '$', a malformed `$` is literal.
std::string expand_template(std::string_view tmpl, std::string_view match) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t dollar = tmpl.find('$', i);
    if (dollar == std::string_view::npos)
      break;
    out.append(tmpl.substr(i, dollar - i));
    i = dollar + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out += '$';
      ++i;
      continue;
    }
    bool brace = i < tmpl.size() && tmpl[i] == '{';
    size_t start = i + brace, end = start, w = 0;
    while (end < tmpl.size() && is_name_rune(decode_rune(tmpl, end, &w)))
      end += w;
    if (end == start || (brace && (end >= tmpl.size() || tmpl[end] != '}'))) {
      out += '$';
      continue;
    }
    if (tmpl.substr(start, end - start) == "0")
      out.append(match);
    i = end + brace;
  }
  out.append(tmpl.substr(std::min(i, tmpl.size())));
  return out;
}

} // namespace

Result<std::string> trim_prefix(std::string_view pattern, std::string_view value, bool greedy) {
  Regex re = TRY(shell_regex(pattern, greedy, true));
  if (auto m = re.find(to_runes(value)))
    return std::string(value.substr(byte_offset(value, m->second)));
  return std::string(value);
}

Result<std::string> trim_suffix(std::string_view pattern, std::string_view value, bool greedy) {
  std::u32string p = to_runes(pattern);
  if (!p.empty())
    p = reverse_pattern(p);
  std::u32string v = to_runes(value);
  std::reverse(v.begin(), v.end());
  // Go round-trips the value through []rune here, so invalid UTF-8 in it
  // comes back as U+FFFD.
  std::string reversed = TRY(trim_prefix(from_runes(p), from_runes(v), greedy));
  std::u32string r = to_runes(reversed);
  std::reverse(r.begin(), r.end());
  return from_runes(r);
}

Result<std::string> replace(std::string_view pattern, std::string_view repl,
                            std::string_view value, bool all) {
  Regex re = TRY(shell_regex(pattern, true, false));
  std::u32string text = to_runes(value);
  auto bytes = [&](size_t from, size_t to) {
    size_t b = byte_offset(value, from);
    return value.substr(b, byte_offset(value, to) - b);
  };
  if (!all) {
    auto m = re.find(text);
    if (!m)
      return std::string(value);
    return std::string(bytes(0, m->first)) + std::string(repl) +
           std::string(bytes(m->second, text.size()));
  }
  // Regexp.ReplaceAllString: an empty match right after a match is not
  // replaced, and the search always moves on by at least one rune.
  std::string out;
  size_t last_end = 0, search = 0;
  while (search <= text.size()) {
    auto m = re.find(text, search);
    if (!m)
      break;
    out.append(bytes(last_end, m->first));
    if (m->second > last_end || m->first == 0)
      out += expand_template(repl, bytes(m->first, m->second));
    last_end = m->second;
    search = search + 1 > m->second ? search + 1 : m->second;
  }
  out.append(bytes(last_end, text.size()));
  return out;
}

} // namespace skiff::dockerfile::detail
