// .dockerignore as Docker reads it (moby/patternmatcher and its
// ignorefile package): one pattern a line, '#' comments, leading and
// trailing blanks trimmed, paths cleaned and a leading '/' dropped, `**`
// for any number of directories, `!` for exceptions, the last matching
// line deciding. Pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::dockerfile {

namespace detail {
class Regex;
}

class IgnoreRules {
public:
  // `text` is a .dockerignore file (ignorefile.ReadAll, then
  // patternmatcher.New); `patterns` are already one a line (--exclude).
  // A pattern that is not valid (a bad `[` class) is an error naming it,
  // in Go's words ("syntax error in pattern"); patternmatcher finds some
  // of these only when the pattern is first used, skiff at once.
  static Result<IgnoreRules> parse(std::string_view text);
  static Result<IgnoreRules> from_patterns(const std::vector<std::string> &patterns);

  bool empty() const { return patterns_.empty(); }
  // Whether `path` (relative to the context, '/'-separated, no leading
  // "./") is left out of the context. A directory's files are left out
  // with it unless an exception pattern may match below it. As BuildKit's
  // context walk (fsutil, with patternmatcher's MatchesUsingParentResults)
  // decides: each directory on the way down is matched first, and a
  // pattern that matched a parent directory holds for what is inside.
  // "." is never excluded.
  bool excluded(std::string_view path) const;
  // Whether an exception (`!`) pattern could match something below the
  // excluded directory `dir`, so the walk must still enter it: fsutil's
  // test, true for any exception with a wildcard before its end.
  bool may_include_below(std::string_view dir) const;

private:
  struct Pattern {
    std::string text;  // cleaned, without the '!'
    bool exception = false;
    // patternmatcher's match types: the whole path, a prefix ("dir/**"),
    // a suffix ("**/name") or a regexp built from the glob.
    enum class Kind { exact, prefix, suffix, regexp } kind = Kind::exact;
    std::shared_ptr<const detail::Regex> regex;
    bool matches(std::string_view path) const;
  };
  static Result<Pattern> compile(std::string text, bool exception);
  std::vector<Pattern> patterns_;
};

} // namespace skiff::dockerfile
