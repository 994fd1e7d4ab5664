// Go string and number literals, after strconv and parse.newNumber.
#include "literals.hpp"

#include <charconv>

#include "fmt.hpp"
#include "lexer.hpp"

namespace skiff::gotmpl::detail {

namespace {

Error fail(std::string msg) { return Error{Errc::invalid, std::move(msg), kExitRuntime}; }

int digit_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  return 99;
}

// strconv.UnquoteChar: consumes one character of a literal quoted with
// `quote`, appends its bytes to out and returns its value.
std::optional<char32_t> unquote_char(std::string_view &s, char quote, std::string &out) {
  if (s.empty() || s[0] == quote)
    return std::nullopt;
  if (static_cast<unsigned char>(s[0]) >= 0x80) {
    size_t w = 0;
    char32_t r = decode_rune(s, 0, &w);
    append_rune(out, r);
    s.remove_prefix(w);
    return r;
  }
  if (s[0] != '\\') {
    out += s[0];
    s.remove_prefix(1);
    return static_cast<unsigned char>(out.back());
  }
  if (s.size() < 2)
    return std::nullopt;
  char c = s[1];
  s.remove_prefix(2);
  static constexpr std::string_view kSimple = "a\ab\bf\fn\nr\rt\tv\v\\\\";
  for (size_t i = 0; i < kSimple.size(); i += 2) {
    if (kSimple[i] == c) {
      out += kSimple[i + 1];
      return static_cast<char32_t>(kSimple[i + 1]);
    }
  }
  if (c == '\'' || c == '"') {
    if (c != quote)
      return std::nullopt;
    out += c;
    return static_cast<char32_t>(c);
  }
  if (c == 'x' || c == 'u' || c == 'U') {
    size_t n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
    if (s.size() < n)
      return std::nullopt;
    char32_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      int d = digit_value(s[i]);
      if (d > 15)
        return std::nullopt;
      v = (v << 4) | static_cast<char32_t>(d);
    }
    s.remove_prefix(n);
    if (c == 'x') { // a raw byte, not a rune
      out += static_cast<char>(v);
      return v;
    }
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
      return std::nullopt;
    append_rune(out, v);
    return v;
  }
  if (c >= '0' && c <= '7') {
    char32_t v = static_cast<char32_t>(c - '0');
    if (s.size() < 2)
      return std::nullopt;
    for (size_t i = 0; i < 2; ++i) {
      if (s[i] < '0' || s[i] > '7')
        return std::nullopt;
      v = v * 8 + static_cast<char32_t>(s[i] - '0');
    }
    s.remove_prefix(2);
    if (v > 255)
      return std::nullopt;
    out += static_cast<char>(v);
    return v;
  }
  return std::nullopt;
}

// strconv's underscoreOK: underscores only between digits (or after a base
// prefix).
bool underscore_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+'))
    s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      std::string_view("bBoOxX").find(s[1]) != std::string_view::npos) {
    i = 2;
    saw = '0';
    hex = s[1] == 'x' || s[1] == 'X';
  }
  for (; i < s.size(); ++i) {
    if ((s[i] >= '0' && s[i] <= '9') || (hex && digit_value(s[i]) < 16)) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0')
        return false;
      saw = '_';
      continue;
    }
    if (saw == '_')
      return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseUint(s, 0, 64).
std::optional<uint64_t> parse_uint(std::string_view s) {
  std::string_view s0 = s;
  if (s.empty())
    return std::nullopt;
  unsigned base = 10;
  if (s[0] == '0') {
    char p = s.size() >= 3 ? static_cast<char>(s[1] | 0x20) : 0;
    base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 8;
    s.remove_prefix(p == 'b' || p == 'o' || p == 'x' ? 2 : 1);
  }
  uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    auto d = static_cast<unsigned>(digit_value(c));
    if (d >= base)
      return std::nullopt;
    if (n > (UINT64_MAX - d) / base)
      return std::nullopt;
    n = n * base + d;
  }
  if (underscores && !underscore_ok(s0))
    return std::nullopt;
  return n;
}

// strconv.ParseInt(s, 0, 64).
std::optional<int64_t> parse_int(std::string_view s) {
  bool neg = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+'))
    s.remove_prefix(1);
  auto u = parse_uint(s);
  if (!u)
    return std::nullopt;
  if (neg) {
    if (*u > uint64_t{1} << 63)
      return std::nullopt;
    return static_cast<int64_t>(~*u + 1);
  }
  if (*u >= uint64_t{1} << 63)
    return std::nullopt;
  return static_cast<int64_t>(*u);
}

// strconv.ParseFloat(s, 64): decimal or 0x hex mantissa with p exponent.
std::optional<double> parse_float(std::string_view s) {
  if (s.find('_') != std::string_view::npos && !underscore_ok(s))
    return std::nullopt;
  std::string t;
  for (char c : s)
    if (c != '_')
      t += c;
  bool neg = !t.empty() && t[0] == '-';
  std::string_view body(t);
  if (!body.empty() && (body[0] == '-' || body[0] == '+'))
    body.remove_prefix(1);
  auto fmt = std::chars_format::general;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    body.remove_prefix(2);
    if (body.find_first_of("pP") == std::string_view::npos)
      return std::nullopt;
    fmt = std::chars_format::hex;
  }
  double v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v, fmt);
  if (body.empty() || r.ec != std::errc{} || r.ptr != body.data() + body.size())
    return std::nullopt;
  return neg ? -v : v;
}

} // namespace

std::optional<std::string> unquote(std::string_view q) {
  if (q.size() < 2 || q.back() != q.front())
    return std::nullopt;
  char quote = q.front();
  q = q.substr(1, q.size() - 2);
  std::string out;
  if (quote == '`') {
    // Raw strings drop carriage returns.
    for (char c : q) {
      if (c == '`')
        return std::nullopt;
      if (c != '\r')
        out += c;
    }
    return out;
  }
  while (!q.empty()) {
    if (q[0] == '\n' || !unquote_char(q, quote, out))
      return std::nullopt;
  }
  return out;
}

Result<std::unique_ptr<NumberNode>> parse_number(size_t pos, const std::string &text, bool is_char,
                                                 bool is_complex) {
  auto n = std::make_unique<NumberNode>(pos, text);
  if (is_char) {
    std::string_view rest = std::string_view(text).substr(1);
    std::string bytes;
    auto r = unquote_char(rest, '\'', bytes);
    if (!r)
      return fail("invalid syntax");
    if (rest != "'")
      return fail("malformed character constant: " + text);
    n->as_int = static_cast<int64_t>(*r);
    n->ideal = json(static_cast<int64_t>(*r));
    return n;
  }
  if (is_complex || text.ends_with('i'))
    return fail("complex numbers are not supported");
  auto u = parse_uint(text);
  auto i = parse_int(text);
  bool is_float_syntax = text.find_first_of(".eEpP") != std::string::npos;
  std::optional<double> f;
  if (i)
    f = static_cast<double>(*i);
  else if (u)
    f = static_cast<double>(*u);
  else if ((f = parse_float(text))) {
    // Integer-looking text that only parses as a float overflowed.
    if (!is_float_syntax)
      return fail("integer overflow: " + go_quote(text));
    if (*f >= -0x1p63 && *f < 0x1p63 && static_cast<double>(static_cast<int64_t>(*f)) == *f)
      i = static_cast<int64_t>(*f);
  }
  if (!f)
    return fail("illegal number syntax: " + go_quote(text));
  n->as_int = i;
  bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                 text.find_first_of("pP") == std::string::npos;
  if (!hex_int && is_float_syntax)
    n->ideal = json(*f);
  else if (i)
    n->ideal = json(*i);
  return n;
}

} // namespace skiff::gotmpl::detail
