// The part of Go's regexp (RE2 syntax, leftmost-first matching) that
// BuildKit's substitution patterns and patternmatcher's compiled
// .dockerignore patterns use. Both libraries build a regexp string from a
// glob and hand it to Go; the glob's text can reach the regexp unescaped
// (a `[` class, a `^`), so matching the same paths needs the same regexp
// semantics: classes with ranges, negation, POSIX and Perl classes; `.`
// (not newline); `*` `+` `?` and their lazy forms; groups; `^` `$`.
// Go syntax outside that (alternation, `{n,m}`, `\p`, `\x`, `\Q`, `\b`,
// flags) is refused as a compile error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::dockerfile::detail {

class Regex {
public:
  // The error is Go's reason ("missing closing ]").
  static Result<Regex> compile(std::string_view pattern);

  // The leftmost-first match starting at or after rune `from`: the
  // [begin, end) rune positions Go's FindStringIndex gives.
  std::optional<std::pair<size_t, size_t>> find(std::u32string_view text, size_t from = 0) const;
  bool matches(std::u32string_view text) const { return find(text).has_value(); }

  struct Class {
    std::vector<std::pair<char32_t, char32_t>> ranges;
    bool negate = false;
    bool contains(char32_t r) const;
  };
  enum class Op { rune, split, jmp, begin, end, match };
  struct Inst {
    Op op;
    int x = 0, y = 0;  // split: x is tried first; jmp: x
    Class cls;         // rune
  };

private:
  std::vector<Inst> prog_;
  bool anchored_ = false;  // starts with ^: only a match at 0 counts
};

} // namespace skiff::dockerfile::detail
