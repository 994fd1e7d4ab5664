#include "runes.hpp"

#include <fmt/format.h>

namespace skiff::dockerfile::detail {

char32_t decode_rune(std::string_view s, size_t i, size_t *width) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  *width = 1;
  if (n == 1)
    return c;
  if (n == 0 || i + n > s.size())
    return kRuneError;
  char32_t r = c & (0xff >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80)
      return kRuneError;
    r = (r << 6) | (b(k) & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid to Go.
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (r < kMin[n] || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
    return kRuneError;
  *width = n;
  return r;
}

void append_rune(std::string &out, char32_t r) {
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
    r = kRuneError;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xc0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3f));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xe0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (r & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (r & 0x3f));
  }
}

std::u32string to_runes(std::string_view s) {
  std::u32string out;
  for (size_t i = 0, w = 0; i < s.size(); i += w)
    out += decode_rune(s, i, &w);
  return out;
}

std::string from_runes(std::u32string_view r) {
  std::string out;
  for (char32_t c : r)
    append_rune(out, c);
  return out;
}

bool is_space(char32_t r) {
  switch (r) {
  case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xa0:
  case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
    return true;
  default:
    return r >= 0x2000 && r <= 0x200a;
  }
}

bool is_name_rune(char32_t r) {
  if (r < 0x80)
    return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (r < 0xc0)  // Latin-1 punctuation and symbols; ª µ º are letters
    return r == 0xaa || r == 0xb5 || r == 0xba;
  if (r == 0xd7 || r == 0xf7 || r == kRuneError || r == kEof)
    return false;
  if (r >= 0x2000 && r <= 0x2bff)  // punctuation, arrows, math, shapes
    return false;
  if (r >= 0x3000 && r <= 0x303f)  // CJK punctuation; 々 and 〆 are letters
    return r == 0x3005 || r == 0x3006;
  return !(r >= 0x1f000 && r <= 0x1faff);  // emoji and pictographs
}

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0, w = 0; i < s.size(); i += w) {
    char32_t r = decode_rune(s, i, &w);
    switch (r) {
    case '"': out += "\\\""; continue;
    case '\\': out += "\\\\"; continue;
    case '\a': out += "\\a"; continue;
    case '\b': out += "\\b"; continue;
    case '\f': out += "\\f"; continue;
    case '\n': out += "\\n"; continue;
    case '\r': out += "\\r"; continue;
    case '\t': out += "\\t"; continue;
    case '\v': out += "\\v"; continue;
    default: break;
    }
    if (r == kRuneError && w == 1)
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
    else if (r < 0x20 || r == 0x7f)
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(r));
    else if (r >= 0x80 && (r < 0xa0 || is_space(r)))
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(r));
    else
      out.append(s.substr(i, w));
  }
  return out + "\"";
}

RuneScanner::RuneScanner(std::string_view s) : s_(s) {
  if (s_.substr(0, 3) == "\xef\xbb\xbf")
    pos_ = 3;
}

char32_t RuneScanner::peek() const {
  size_t w;
  return at_end() ? kEof : decode_rune(s_, pos_, &w);
}

char32_t RuneScanner::next() {
  if (at_end())
    return kEof;
  size_t w;
  char32_t r = decode_rune(s_, pos_, &w);
  pos_ += w;
  return r;
}

} // namespace skiff::dockerfile::detail
