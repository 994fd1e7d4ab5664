#include "skiff/supervisor/json_log.hpp"

#include "skiff/util/timefmt.hpp"

namespace skiff::supervisor {

namespace {

// Length of the valid UTF-8 sequence at the start of `s` (Go's rules: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0.
size_t utf8_length(std::string_view s, uint32_t &rune) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c >= 0xC2 && c <= 0xDF && cont(1)) {
    rune = (c & 0x1Fu) << 6 | (b(1) & 0x3Fu);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    rune = (c & 0x0Fu) << 12 | (b(1) & 0x3Fu) << 6 | (b(2) & 0x3Fu);
    return rune >= 0x800 && (rune < 0xD800 || rune > 0xDFFF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    rune = (c & 0x07u) << 18 | (b(1) & 0x3Fu) << 12 | (b(2) & 0x3Fu) << 6 | (b(3) & 0x3Fu);
    return rune >= 0x10000 && rune <= 0x10FFFF ? 4 : 0;
  }
  return 0;
}

// A JSON string escaped byte for byte as moby's jsonlog writes it: <, > and
// & as \u003c..., control bytes other than \n \r \t as \u00XX, invalid
// UTF-8 as \ufffd, U+2028/U+2029 escaped.
void append_json_string(std::string &out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  size_t start = 0, i = 0;
  auto flush = [&] { out.append(s.substr(start, i - start)); };
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c != '\\' && c != '"' && c != '<' && c != '>' && c != '&') {
        i++;
        continue;
      }
      flush();
      if (c == '\\' || c == '"') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      }
      start = ++i;
      continue;
    }
    uint32_t rune = 0;
    size_t n = utf8_length(s.substr(i), rune);
    if (n == 0) {
      flush();
      out += "\\ufffd";
      start = ++i;
      continue;
    }
    if (rune == 0x2028 || rune == 0x2029) {
      flush();
      out += "\\u202";
      out += hex[rune & 15];
      start = i + n;
    }
    i += n;
  }
  flush();
  out += '"';
}

} // namespace

void append_json_log_line(std::string &out, std::string_view text, std::string_view stream,
                          std::string_view time_text) {
  // Written by hand, not through a JSON library: this runs for every line
  // a container prints, in the supervisor, whose memory should stay small.
  out += "{\"log\":";
  append_json_string(out, text);
  out += ",\"stream\":";
  append_json_string(out, stream);
  out += ",\"time\":\"";
  out += time_text;
  out += "\"}\n";
}

std::string json_log_line(std::string_view text, std::string_view stream, int64_t time_ns) {
  std::string out;
  out.reserve(text.size() + 80);
  append_json_log_line(out, text, stream, timefmt::rfc3339nano(time_ns));
  return out;
}

} // namespace skiff::supervisor
