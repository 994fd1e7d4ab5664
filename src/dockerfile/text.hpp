// Go's text primitives that BuildKit's Dockerfile parser relies on, so that
// the ports in this module split, trim and quote exactly as it does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::dockerfile::text {

inline constexpr int kEof = -1;

// One UTF-8 character at `s[pos]`: its code point (U+FFFD for a bad byte,
// which then counts as one byte, as Go's decoder does) and its length.
struct Rune {
  int cp;
  size_t len;
};
Rune decode(std::string_view s, size_t pos);
void append_rune(std::string &out, int cp);

// strings.ToUpper for ASCII letters.
std::string upper(std::string_view s);
// unicode.IsSpace.
bool is_space(int cp);
// strings.TrimSpace and bytes.TrimLeftFunc(unicode.IsSpace).
std::string_view trim_space(std::string_view s);
std::string_view trim_left_space(std::string_view s);
// regexp `[\t\v\f\r ]+`.Split(s, limit): limit -1 for all parts.
std::vector<std::string> split_whitespace(std::string_view s, int limit);
// strconv.Quote.
std::string quote(std::string_view s);
// util/suggest.Search: the option within edit distance 2 of `value`, or
// empty (also when `value` is itself an option).
std::string suggest(std::string_view value, const std::vector<std::string> &options,
                    bool case_sensitive);

} // namespace skiff::dockerfile::text
