// Go's text primitives that BuildKit's Dockerfile parser relies on, so that
// the ports in this module split, trim and quote exactly as it does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/utf8.hpp"

namespace skiff::dockerfile::text {

inline constexpr int kEof = -1;

// One UTF-8 character at `s[pos]`: its code point (U+FFFD for a bad byte,
// which then counts as one byte, as Go's decoder does) and its length.
struct Rune {
  int cp;
  size_t len;
};
inline Rune decode(std::string_view s, size_t pos) {
  size_t len;
  char32_t cp = utf8::decode_rune(s, pos, &len);
  return {static_cast<int>(cp), len};
}
// Go's string(rune): kEof and other invalid code points as U+FFFD.
inline void append_rune(std::string &out, int cp) { utf8::append_rune(out, static_cast<char32_t>(cp)); }

// strings.ToUpper for ASCII letters.
std::string upper(std::string_view s);
// unicode.IsSpace.
inline bool is_space(int cp) { return utf8::is_space(static_cast<char32_t>(cp)); }
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
