// Number and string spelling as Go's strconv does it.
#include "fmt.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "lexer.hpp"
#include "skiff/gotmpl/template.hpp"

namespace skiff::gotmpl::detail {

namespace {

// Approximates unicode.IsPrint for non-ASCII runes: controls, separators
// and invisible format characters are not printable.
bool is_print(char32_t r) {
  if (r < 0x80)
    return r >= 0x20 && r != 0x7f;
  if (r <= 0xa0 || r == 0xad)
    return false;
  if ((r >= 0x200b && r <= 0x200f) || (r >= 0x2028 && r <= 0x202e) ||
      (r >= 0x2060 && r <= 0x206f) || r == 0xfeff || r == 0xfffe || r == 0xffff)
    return false;
  return true;
}

const char kHex[] = "0123456789abcdef";

} // namespace

std::string go_quote(std::string_view s, char quote, bool ascii_only) {
  std::string out(1, quote);
  size_t i = 0;
  while (i < s.size()) {
    size_t w = 1;
    char32_t r = decode_rune(s, i, &w);
    if (r == 0xfffd && w == 1) {
      auto b = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
      ++i;
      continue;
    }
    i += w;
    if (r == static_cast<char32_t>(quote) || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
      continue;
    }
    if (is_print(r) && (!ascii_only || r < 0x80)) {
      append_rune(out, r);
      continue;
    }
    if (const char *e = utf8::go_escape(r)) {
      out += e;
      continue;
    }
    int digits = r < 0x80 ? 2 : r < 0x10000 ? 4 : 8;
    out += digits == 2 ? "\\x" : digits == 4 ? "\\u" : "\\U";
    for (int k = digits - 1; k >= 0; --k)
      out += kHex[(r >> (4 * k)) & 0xf];
  }
  out += quote;
  return out;
}

} // namespace skiff::gotmpl::detail

namespace skiff::gotmpl {
std::string quote(std::string_view s) { return detail::go_quote(s); }

std::string escape_html(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (char c : encoded) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}
} // namespace skiff::gotmpl

namespace skiff::gotmpl::detail {

Decimal shortest_decimal(double v) {
  Decimal d;
  if (v == 0)
    return d;
  // Shortest round-trip scientific form: "d.ddde+XX".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::abs(v), std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  size_t e = s.find('e');
  for (char c : s.substr(0, e))
    if (c != '.')
      d.digits += c;
  while (d.digits.size() > 1 && d.digits.back() == '0')
    d.digits.pop_back();
  d.dp = std::atoi(std::string(s.substr(e + 1)).c_str()) + 1;
  return d;
}

std::string format_e(const Decimal &d, int prec, char e) {
  std::string s(1, d.digits.empty() ? '0' : d.digits[0]);
  if (prec > 0) {
    s += '.';
    for (int i = 1; i <= prec; ++i)
      s += static_cast<size_t>(i) < d.digits.size() ? d.digits[static_cast<size_t>(i)] : '0';
  }
  int exp = d.digits.empty() ? 0 : d.dp - 1;
  s += e;
  s += exp < 0 ? '-' : '+';
  exp = std::abs(exp);
  if (exp < 10)
    s += '0';
  s += std::to_string(exp);
  return s;
}

std::string format_f(const Decimal &d, int prec) {
  std::string s;
  auto nd = static_cast<int>(d.digits.size());
  if (d.dp > 0) {
    for (int i = 0; i < d.dp; ++i)
      s += i < nd ? d.digits[static_cast<size_t>(i)] : '0';
  } else {
    s = "0";
  }
  if (prec > 0) {
    s += '.';
    for (int i = 1; i <= prec; ++i) {
      int j = d.dp + i - 1;
      s += j >= 0 && j < nd ? d.digits[static_cast<size_t>(j)] : '0';
    }
  }
  return s;
}

std::string format_float_v(double v) {
  // %v is %g with the shortest digits; Go then switches to an exponent
  // when it is below -4 or at least 6 (strconv's "eprec = 6").
  Decimal d = shortest_decimal(v);
  auto nd = static_cast<int>(d.digits.size());
  int exp = d.dp - 1;
  std::string s = std::signbit(v) ? "-" : "";
  if (exp < -4 || exp >= 6)
    return s + format_e(d, nd - 1, 'e');
  return s + format_f(d, std::max(nd - d.dp, 0));
}

} // namespace skiff::gotmpl::detail
