// JSON as Go's encoding/json writes it, so that `{{json .}}` output is
// byte-identical to docker's: floats in Go's spelling, U+2028/U+2029 and
// control characters escaped, invalid UTF-8 replaced. docker/cli turns
// HTML escaping off (SetEscapeHTML(false)), so <, > and & stay as they are.
#include <algorithm>
#include <cmath>

#include "fmt.hpp"
#include "lexer.hpp"

namespace skiff::gotmpl::detail {

namespace {

void encode_string(std::string &out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  size_t w = 0;
  for (size_t i = 0; i < s.size(); i += w) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      w = 1;
      switch (b) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (b < 0x20) {
          out += "\\u00";
          out += hex[b >> 4];
          out += hex[b & 0xf];
        } else {
          out += static_cast<char>(b);
        }
      }
      continue;
    }
    char32_t r = decode_rune(s, i, &w);
    if (r == 0xfffd && w == 1)
      out += "\\ufffd";
    else if (r == 0x2028 || r == 0x2029)
      out += r == 0x2028 ? "\\u2028" : "\\u2029";
    else
      out += s.substr(i, w);
  }
  out += '"';
}

void encode_float(std::string &out, double v) {
  double a = std::abs(v);
  Decimal d = shortest_decimal(v);
  auto nd = static_cast<int>(d.digits.size());
  if (std::signbit(v))
    out += '-';
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    std::string e = format_e(d, nd - 1, 'e');
    // Go writes e-7 rather than e-07.
    size_t n = e.size();
    if (n >= 4 && e[n - 4] == 'e' && e[n - 3] == '-' && e[n - 2] == '0')
      e.erase(n - 2, 1);
    out += e;
    return;
  }
  out += format_f(d, std::max(nd - d.dp, 0));
}

void encode(std::string &out, const json &j) {
  switch (j.type()) {
  case json::value_t::object: {
    out += '{';
    bool first = true;
    for (const auto &[k, v] : j.items()) {
      if (!first)
        out += ',';
      first = false;
      encode_string(out, k);
      out += ':';
      encode(out, v);
    }
    out += '}';
    return;
  }
  case json::value_t::array: {
    out += '[';
    bool first = true;
    for (const json &v : j) {
      if (!first)
        out += ',';
      first = false;
      encode(out, v);
    }
    out += ']';
    return;
  }
  case json::value_t::string: encode_string(out, j.get_ref<const std::string &>()); return;
  case json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
  case json::value_t::number_integer: out += std::to_string(j.get<int64_t>()); return;
  case json::value_t::number_unsigned: out += std::to_string(j.get<uint64_t>()); return;
  case json::value_t::number_float: encode_float(out, j.get<double>()); return;
  default: out += "null";
  }
}

} // namespace

std::string json_encode(const json &j) {
  std::string out;
  encode(out, j);
  return out;
}

} // namespace skiff::gotmpl::detail
