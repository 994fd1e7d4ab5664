// UTF-8 as Go's unicode/utf8 and unicode packages see it: the Dockerfile
// frontend and Go's templates read their input rune by rune, so skiff
// decodes the same way to give the same results on non-ASCII text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skiff::utf8 {

inline constexpr char32_t kRuneError = 0xfffd;

// The rune at s[i] and its width; an invalid or truncated sequence
// (overlong forms, surrogates, past U+10FFFF) is U+FFFD one byte wide, as
// Go's utf8.DecodeRune.
char32_t decode_rune(std::string_view s, size_t i, size_t *width);
// Go's string(r): a rune that is no valid code point is written as U+FFFD.
void append_rune(std::string &out, char32_t r);

// unicode.IsSpace.
bool is_space(char32_t r);

// strconv.Quote's escape of a control character with a letter of its own
// ("\\n" for '\n': \a \b \f \n \r \t \v), or nullptr.
const char *go_escape(char32_t r);

} // namespace skiff::utf8
