// The pattern forms of BuildKit's ${VAR#pat} ${VAR%pat} ${VAR/pat/repl}:
// a shell glob (`*`, `?`, `\` escapes; no bracket expressions) turned into
// a Go regexp as lex.go's convertShellPatternToRegex does.
#pragma once

#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::dockerfile::detail {

// ${VAR#pat} (greedy: ##): `value` without the shortest (longest) prefix
// matching `pattern`.
Result<std::string> trim_prefix(std::string_view pattern, std::string_view value, bool greedy);
// ${VAR%pat} (greedy: %%), by matching the reversed pattern against the
// reversed value as BuildKit does.
Result<std::string> trim_suffix(std::string_view pattern, std::string_view value, bool greedy);
// ${VAR/pat/repl} (all: //). Replacing all goes through Go's
// Regexp.ReplaceAllString, where `$0` in `repl` is the match and `$$` a '$'.
Result<std::string> replace(std::string_view pattern, std::string_view repl,
                            std::string_view value, bool all);

} // namespace skiff::dockerfile::detail
