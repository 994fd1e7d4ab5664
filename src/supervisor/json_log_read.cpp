// Reading json-file lines back (for logs). Apart from json_log.cpp so that
// the supervisor, which only writes them, does not carry a JSON parser.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "skiff/supervisor/json_log.hpp"

namespace skiff::supervisor {

namespace {

constexpr size_t npos = std::string_view::npos;

int hex4(std::string_view s, size_t at) {
  if (at + 4 > s.size())
    return -1;
  int v = 0;
  for (size_t i = at; i < at + 4; i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

void append_utf8(std::string &out, uint32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | r >> 6);
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | r >> 12);
    out += static_cast<char>(0x80 | (r >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | r >> 18);
    out += static_cast<char>(0x80 | (r >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (r >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

// The index of the first byte at or after `i` that is a quote, a
// backslash or a control byte, or s.size(). Eight bytes at a time: the
// lowest flagged byte of a word is exact, even though bytes above it may
// be flagged wrongly.
[[gnu::always_inline]] inline size_t scan(std::string_view s, size_t i) {
  constexpr uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
  auto zero_byte = [](uint64_t x) { return (x - ones) & ~x & highs; };
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    uint64_t hit = zero_byte(w ^ (ones * '"')) | zero_byte(w ^ (ones * '\\')) |
                   ((w - ones * 0x20) & ~w & highs);
    if (hit)
      return i + static_cast<size_t>(__builtin_ctzll(hit) / 8);
  }
  for (; i < s.size(); i++) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\' || c < 0x20)
      break;
  }
  return i;
}

// Decodes the JSON string starting at s[i] (just past its opening quote)
// onto `out`, with Go's rules for surrogates (a lone one is U+FFFD);
// returns the index past the closing quote, or npos.
size_t decode_string(std::string_view s, size_t i, std::string &out) {
  for (;;) {
    size_t start = i;
    i = scan(s, i);
    out.append(s.data() + start, i - start);
    if (i >= s.size() || static_cast<unsigned char>(s[i]) < 0x20)
      return npos;
    if (s[i] == '"')
      return i + 1;
    // Most lines end so: the newline and the closing quote.
    if (s.size() - i >= 3 && s[i + 1] == 'n' && s[i + 2] == '"') {
      out += '\n';
      return i + 3;
    }
    if (++i >= s.size())
      return npos;
    switch (s[i++]) {
    case '"': out += '"'; break;
    case '\\': out += '\\'; break;
    case '/': out += '/'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case 'u': {
      int v = hex4(s, i);
      if (v < 0)
        return npos;
      i += 4;
      auto r = static_cast<uint32_t>(v);
      if (r >= 0xD800 && r < 0xE000) {
        int low = r < 0xDC00 && s.substr(i, 2) == "\\u" ? hex4(s, i + 2) : -1;
        if (low >= 0xDC00 && low < 0xE000) {
          r = 0x10000 + ((r - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
          i += 6;
        } else {
          r = 0xFFFD;
        }
      }
      append_utf8(out, r);
      break;
    }
    default:
      return npos;
    }
  }
}

std::optional<LogFields> decode_with_parser(std::string_view line, std::string &text,
                                            std::string &scratch) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  auto field = [&](const char *k) -> const nlohmann::json * {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? &*it : nullptr;
  };
  const auto *log = field("log"), *stream = field("stream"), *time = field("time");
  if (log)
    text += log->get_ref<const std::string &>();
  scratch = time ? time->get<std::string>() : std::string();
  return LogFields{stream && stream->get_ref<const std::string &>() == "stderr", scratch};
}

} // namespace

std::optional<LogFields> decode_json_log_line(std::string_view data, size_t &used,
                                              std::string &text, std::string &scratch) {
  static constexpr std::string_view head = "{\"log\":\"", stream = ",\"stream\":\"std",
                                    time = ",\"time\":\"";
  // The shape the supervisor writes, in one pass that also finds the end
  // of the line: no string in it holds a raw newline.
  size_t mark = text.size();
  if (data.starts_with(head)) {
    size_t i = decode_string(data, head.size(), text);
    std::string_view rest = i == npos ? std::string_view() : data.substr(i);
    if (rest.starts_with(stream)) {
      rest.remove_prefix(stream.size());
      bool is_stderr = rest.starts_with("err\"");
      if ((is_stderr || rest.starts_with("out\"")) && rest.substr(4).starts_with(time)) {
        rest.remove_prefix(4 + time.size());
        size_t q = scan(rest, 0);
        auto t = rest.substr(0, q);
        rest.remove_prefix(q);
        if (rest.starts_with("\"}") && (rest.size() == 2 || rest[2] == '\n')) {
          used = static_cast<size_t>(rest.data() - data.data()) + std::min<size_t>(3, rest.size());
          return LogFields{is_stderr, t};
        }
      }
    }
    text.resize(mark);
  }
  size_t nl = data.find('\n');
  used = nl == npos ? data.size() : nl + 1;
  return decode_with_parser(data.substr(0, nl == npos ? data.size() : nl), text, scratch);
}

std::optional<LogFields> decode_json_log_line(std::string_view line, std::string &text,
                                              std::string &scratch) {
  size_t used = 0, mark = text.size();
  auto f = decode_json_log_line(line, used, text, scratch);
  if (f && used != line.size()) {  // more than one line
    text.resize(mark);
    return std::nullopt;
  }
  return f;
}

} // namespace skiff::supervisor
