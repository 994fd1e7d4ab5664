#include "runes.hpp"

#include <fmt/format.h>

namespace skiff::dockerfile::detail {

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
    if (const char *e = utf8::go_escape(r)) {
      out += e;
    } else if (r == '"' || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
    } else if (r == kRuneError && w == 1) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
    } else if (r < 0x20 || r == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(r));
    } else if (r >= 0x80 && (r < 0xa0 || is_space(r))) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(r));
    } else {
      out.append(s.substr(i, w));
    }
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
