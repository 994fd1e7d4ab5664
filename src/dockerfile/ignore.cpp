#include "skiff/dockerfile/ignore.hpp"

#include "ignore_glob.hpp"
#include "regex.hpp"
#include "runes.hpp"

namespace skiff::dockerfile {
namespace {

// Regexp characters with no meaning in a glob: patternmatcher escapes them.
bool should_escape(char32_t c) {
  return c == '.' || c == '+' || c == '(' || c == ')' || c == '|' || c == '{' || c == '}' ||
         c == '$';
}

Error bad_pattern(std::string_view p) {
  return make_error(Errc::invalid, "{}: syntax error in pattern", detail::go_quote(p));
}

// fsutil's patternWithoutTrailingGlob.
std::string_view without_trailing_glob(std::string_view p) {
  for (std::string_view tail : {"/**", "/*"})
    if (p.size() >= tail.size() && p.substr(p.size() - tail.size()) == tail)
      p.remove_suffix(tail.size());
  return p;
}

} // namespace

// patternmatcher's Pattern.compile: the kind of match, and for a regexp
// its text, built exactly as Go builds it (a `[` class goes through raw).
Result<IgnoreRules::Pattern> IgnoreRules::compile(std::string text, bool exception) {
  std::string shown = (exception ? "!" : "") + text;
  if (!detail::glob_syntax_ok(text))
    return bad_pattern(shown);
  Pattern p{std::move(text), exception};
  std::string re = "^";
  detail::RuneScanner scan(p.text);
  for (int i = 0; scan.peek() != detail::kEof; ++i) {
    char32_t ch = scan.next();
    if (ch == '*' && scan.peek() == '*') {
      scan.next();
      if (scan.peek() == '/')
        scan.next();  // "**/" is "**"
      if (scan.peek() != detail::kEof) {
        re += "(.*/)?";  // any number of directories, even none
        p.kind = Pattern::Kind::regexp;
      } else if (p.kind == Pattern::Kind::exact) {
        p.kind = Pattern::Kind::prefix;
      } else {
        re += ".*";
        p.kind = Pattern::Kind::regexp;
      }
      if (i == 0)
        p.kind = Pattern::Kind::suffix;
    } else if (ch == '*' || ch == '?') {
      re += ch == '*' ? "[^/]*" : "[^/]";
      p.kind = Pattern::Kind::regexp;
    } else if (should_escape(ch)) {
      re += '\\';
      detail::append_rune(re, ch);
    } else if (ch == '\\') {
      re += '\\';
      if (scan.peek() != detail::kEof) {
        detail::append_rune(re, scan.next());
        p.kind = Pattern::Kind::regexp;
      }
    } else {
      if (ch == '[' || ch == ']')
        p.kind = Pattern::Kind::regexp;
      detail::append_rune(re, ch);
    }
  }
  if (p.kind == Pattern::Kind::regexp) {
    auto compiled = detail::Regex::compile(re + "$");
    if (!compiled)
      return bad_pattern(shown);
    p.regex = std::make_shared<const detail::Regex>(std::move(*compiled));
  }
  return p;
}

bool IgnoreRules::Pattern::matches(std::string_view path) const {
  switch (kind) {
  case Kind::exact: return path == text;
  case Kind::prefix: return path.substr(0, text.size() - 2) == text.substr(0, text.size() - 2);
  case Kind::suffix: {
    std::string_view suffix = std::string_view(text).substr(2);
    if (path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix)
      return true;
    return suffix[0] == '/' && path == suffix.substr(1);  // "**/foo" matches "foo"
  }
  case Kind::regexp: return regex->matches(detail::to_runes(path));
  }
  return false;
}

Result<IgnoreRules> IgnoreRules::from_patterns(const std::vector<std::string> &patterns) {
  IgnoreRules rules;
  for (const std::string &line : patterns) {
    std::string_view trimmed = detail::go_trim_space(line);
    if (trimmed.empty())
      continue;
    std::string p = detail::go_clean(trimmed);
    bool exception = p[0] == '!';
    if (exception) {
      if (p.size() == 1)
        return make_error(Errc::invalid, "illegal exclusion pattern: \"!\"");
      p.erase(0, 1);
    }
    rules.patterns_.push_back(TRY(compile(std::move(p), exception)));
  }
  return rules;
}

// ignorefile.ReadAll: a BOM dropped, '#' comments (only in the first
// column), blanks trimmed, each path cleaned and made relative.
Result<IgnoreRules> IgnoreRules::parse(std::string_view text) {
  if (text.substr(0, 3) == "\xef\xbb\xbf")
    text.remove_prefix(3);
  std::vector<std::string> patterns;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!line.empty() && line[0] == '#')
      continue;
    line = detail::go_trim_space(line);
    if (line.empty())
      continue;
    bool invert = line[0] == '!';
    if (invert)
      line = detail::go_trim_space(line.substr(1));
    std::string p;
    if (!line.empty()) {
      p = detail::go_clean(line);
      if (p.size() > 1 && p[0] == '/')
        p.erase(0, 1);
    }
    patterns.push_back(invert ? "!" + p : p);
  }
  return from_patterns(patterns);
}

// MatchesUsingParentResults applied from the top directory down, as the
// walk does: a pattern that matched a parent holds below it without being
// tried again, and the others are tried on each path in turn.
bool IgnoreRules::excluded(std::string_view path) const {
  std::string clean = detail::go_clean(path);
  if (clean == "." || patterns_.empty())
    return false;
  std::vector<bool> parent, here(patterns_.size());
  bool matched = false;
  for (size_t end = 0; end != std::string::npos;) {
    end = clean.find('/', end + 1);
    std::string_view prefix = std::string_view(clean).substr(0, end);
    matched = false;
    for (size_t i = 0; i < patterns_.size(); ++i) {
      const Pattern &p = patterns_[i];
      bool m = !parent.empty() && parent[i];
      // An exception can only undo a match, an inclusion only make one.
      if (!m && p.exception == matched)
        m = p.matches(prefix);
      here[i] = m;
      if (m)
        matched = !p.exception;
    }
    parent = here;
  }
  return matched;
}

bool IgnoreRules::may_include_below(std::string_view dir) const {
  bool exceptions = false;
  for (const Pattern &p : patterns_) {
    if (!p.exception)
      continue;
    exceptions = true;
    // fsutil gives up on skipping when an exception has a wildcard.
    if (without_trailing_glob(p.text).find_first_of("*[]?^\\") != std::string_view::npos)
      return true;
  }
  if (!exceptions)
    return false;
  std::string dir_slash = detail::go_clean(dir) + "/";
  for (const Pattern &p : patterns_) {
    std::string pat = std::string(without_trailing_glob(p.text)) + "/";
    if (p.exception && pat.compare(0, dir_slash.size(), dir_slash) == 0)
      return true;
  }
  return false;
}

} // namespace skiff::dockerfile
