// Path patterns of COPY and ADD: Go's filepath.Match for wildcard sources,
// and moby/patternmatcher's rules for --exclude (`**`, `!` exceptions, a
// pattern that matches a directory matching everything below it).
// Private to the build module. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::build {

// Go's filepath.Match: `*` and `?` never match '/', `[...]` classes (with
// `^` negation and ranges), `\` escapes. A malformed pattern matches nothing.
bool glob_match(std::string_view pattern, std::string_view name);
bool has_wildcards(std::string_view path);

class ExcludeMatcher {
public:
  explicit ExcludeMatcher(const std::vector<std::string> &patterns);
  bool empty() const { return patterns_.empty(); }
  bool has_exceptions() const { return exceptions_; }
  // Whether `path` ('/'-separated, relative to the copied source) is left
  // out: the last pattern matching it or one of its parents decides.
  bool excluded(std::string_view path) const;

private:
  struct Pattern {
    std::vector<std::string> parts;
    bool exception = false;
  };
  std::vector<Pattern> patterns_;
  bool exceptions_ = false;
};

} // namespace skiff::build
