// .dockerignore as Docker reads it (moby/patternmatcher and its
// ignorefile package): one pattern a line, '#' comments, leading and
// trailing blanks trimmed, paths cleaned and a leading '/' dropped, `**`
// for any number of directories, `!` for exceptions, the last matching
// line deciding. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::dockerfile {

class IgnoreRules {
public:
  // A pattern that is not valid (a bad `[` class) is an error naming it.
  static Result<IgnoreRules> parse(std::string_view text);
  static Result<IgnoreRules> from_patterns(const std::vector<std::string> &patterns);

  bool empty() const { return patterns_.empty(); }
  // Whether `path` (relative to the context, '/'-separated, no leading
  // "./") is left out of the context. A directory's files are left out
  // with it unless an exception pattern may match below it.
  bool excluded(std::string_view path) const;
  // Whether an exception (`!`) pattern could match something below the
  // excluded directory `dir`, so the walk must still enter it.
  bool may_include_below(std::string_view dir) const;

private:
  struct Pattern {
    std::string text;  // cleaned, without the '!'
    bool exception = false;
    std::vector<std::string> parts;  // split on '/'
  };
  std::vector<Pattern> patterns_;
};

} // namespace skiff::dockerfile
