// Go's path/filepath pieces that .dockerignore handling leans on.
#pragma once

#include <string>
#include <string_view>

namespace skiff::dockerfile::detail {

// filepath.Clean: "a//b/./../c/" is "a/c", "" is ".", "/.." is "/".
std::string go_clean(std::string_view path);
// strings.TrimSpace (Unicode blanks).
std::string_view go_trim_space(std::string_view s);
// Whether filepath.Match accepts the pattern: every `[` class closed and
// well formed, no trailing `\`. patternmatcher.New checks this first.
bool glob_syntax_ok(std::string_view pattern);

} // namespace skiff::dockerfile::detail
