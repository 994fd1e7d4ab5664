// UTF-8 and character classes as Go sees them: BuildKit's lexer and
// moby/patternmatcher read their input rune by rune with Go's text/scanner
// and unicode package, so skiff decodes the same way to give the same
// results on non-ASCII words.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "skiff/util/utf8.hpp"

namespace skiff::dockerfile::detail {

inline constexpr char32_t kEof = 0xffffffff;
using utf8::kRuneError;
using utf8::decode_rune;
using utf8::append_rune;
using utf8::is_space;

// The runes of s, invalid bytes as U+FFFD (Go's []rune(s)).
std::u32string to_runes(std::string_view s);
std::string from_runes(std::u32string_view r);

// unicode.IsLetter || unicode.IsDigit || '_': exact for ASCII; other runes
// count as letters unless in the Latin-1, general punctuation, symbol or
// CJK punctuation blocks (no Unicode tables are linked).
bool is_name_rune(char32_t r);
// unicode.IsDigit, likewise exact for ASCII only (other decimal digits
// are letters to is_name_rune, which is what a name cares about).
inline bool is_digit(char32_t r) { return r >= '0' && r <= '9'; }

// strconv.Quote, for errors that print a word with %q. Non-ASCII runes
// count as printable unless they are spaces or C1 controls.
std::string go_quote(std::string_view s);

// A text/scanner over a string: Peek and Next return runes, kEof at the
// end; a leading byte order mark is skipped as text/scanner does.
class RuneScanner {
public:
  explicit RuneScanner(std::string_view s);
  char32_t peek() const;
  char32_t next();
  bool at_end() const { return pos_ >= s_.size(); }

private:
  std::string_view s_;
  size_t pos_ = 0;
};

} // namespace skiff::dockerfile::detail
