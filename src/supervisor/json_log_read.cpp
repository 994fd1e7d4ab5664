// Reading json-file lines back (for logs). Apart from json_log.cpp so that
// the supervisor, which only writes them, does not carry a JSON parser.
//
// `logs` of a chatty container decodes millions of lines, so lines of the
// exact shape the supervisor writes are decoded by pointer into a buffer
// with room for them, 16 bytes at a time (SSE2, part of x86-64; a portable
// version elsewhere); any other JSON goes through a parser.
#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <nlohmann/json.hpp>

#include "skiff/supervisor/json_log.hpp"

namespace skiff::supervisor {

namespace {

[[gnu::always_inline]] inline bool special(char ch) {
  auto c = static_cast<unsigned char>(ch);
  return c == '"' || c == '\\' || c < 0x20;
}

// Copies the 16 bytes at p to o; returns the index in [0, 16] of the
// first quote, backslash or control byte among them (16: none).
[[gnu::always_inline]] inline unsigned copy16(const char *p, char *o) {
#if defined(__SSE2__)
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
  _mm_storeu_si128(reinterpret_cast<__m128i *>(o), v);
  __m128i hit = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v));
  return static_cast<unsigned>(__builtin_ctz(static_cast<unsigned>(_mm_movemask_epi8(hit)) | 0x10000u));
#else
  // Eight bytes at a time: the lowest flagged byte of a word is exact,
  // even though bytes above it may be flagged wrongly.
  constexpr uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
  auto zero_byte = [](uint64_t x) { return (x - ones) & ~x & highs; };
  uint64_t w[2];
  std::memcpy(w, p, 16);
  std::memcpy(o, w, 16);
  for (unsigned i = 0; i < 2; i++) {
    uint64_t hit = zero_byte(w[i] ^ (ones * '"')) | zero_byte(w[i] ^ (ones * '\\')) |
                   ((w[i] - ones * 0x20) & ~w[i] & highs);
    if (hit)
      return 8 * i + static_cast<unsigned>(__builtin_ctzll(hit) / 8);
  }
  return 16;
#endif
}

[[gnu::always_inline]] inline unsigned first_special(const char *p) {
  char unused[16];
  return copy16(p, unused);
}

// The first quote, backslash or control byte in [p, e), or e.
[[gnu::always_inline]] inline const char *find_special(const char *p, const char *e) {
  for (; e - p >= 16; p += 16) {
    unsigned k = first_special(p);
    if (k < 16)
      return p + k;
  }
  while (p < e && !special(*p))
    p++;
  return p;
}

#if defined(__SSE2__)
[[gnu::always_inline]] inline __m128i load16(const char *p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
}

// Bytes a time can hold set to all ones: [0x23, 0x5b] (digits, "-:.+",
// upper case letters); none is a quote, backslash or control byte.
[[gnu::always_inline]] inline __m128i time_bytes(__m128i v) {
  // b in [0x23, 0x5b] <=> b + 0x5d, signed, is in [-128, -72].
  return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x5d)), _mm_set1_epi8(-71));
}
#endif

// Bit i set: byte i of the 16 at p is one time_bytes takes.
[[gnu::always_inline]] inline uint32_t time_mask(const char *p) {
#if defined(__SSE2__)
  return static_cast<uint32_t>(_mm_movemask_epi8(time_bytes(load16(p))));
#else
  uint32_t m = 0;
  for (unsigned i = 0; i < 16; i++) {
    auto c = static_cast<unsigned char>(p[i]);
    m |= static_cast<uint32_t>(c >= 0x23 && c <= 0x5b) << i;
  }
  return m;
#endif
}

// Whether the 30 bytes at p are all ones a time can hold.
[[gnu::always_inline]] inline bool time_of_30(const char *p) {
#if defined(__SSE2__)
  return _mm_movemask_epi8(_mm_and_si128(time_bytes(load16(p)), time_bytes(load16(p + 14)))) == 0xffff;
#else
  return (time_mask(p) & time_mask(p + 14)) == 0xffff;
#endif
}

// N bytes (17 to 32) of one of a run's lines that are known in advance,
// compared as two overlapping pieces of 16.
template <size_t N> class Constant {
  static_assert(N > 16 && N <= 32);

public:
  explicit Constant(const char *c) : c_(c) {
#if defined(__SSE2__)
    a_ = load16(c);
    b_ = load16(c + N - 16);
#endif
  }
  [[gnu::always_inline]] bool at(const char *p) const {
#if defined(__SSE2__)
    __m128i eq = _mm_and_si128(_mm_cmpeq_epi8(load16(p), a_), _mm_cmpeq_epi8(load16(p + N - 16), b_));
    return _mm_movemask_epi8(eq) == 0xffff;
#else
    return std::memcmp(p, c_, N) == 0;
#endif
  }

private:
  const char *c_;
#if defined(__SSE2__)
  __m128i a_, b_;
#endif
};

int hex4(const char *p, const char *e) {
  if (e - p < 4)
    return -1;
  int v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

char *put_utf8(char *o, uint32_t r) {
  if (r < 0x80) {
    *o++ = static_cast<char>(r);
  } else if (r < 0x800) {
    *o++ = static_cast<char>(0xC0 | r >> 6);
    *o++ = static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    *o++ = static_cast<char>(0xE0 | r >> 12);
    *o++ = static_cast<char>(0x80 | (r >> 6 & 0x3F));
    *o++ = static_cast<char>(0x80 | (r & 0x3F));
  } else {
    *o++ = static_cast<char>(0xF0 | r >> 18);
    *o++ = static_cast<char>(0x80 | (r >> 12 & 0x3F));
    *o++ = static_cast<char>(0x80 | (r >> 6 & 0x3F));
    *o++ = static_cast<char>(0x80 | (r & 0x3F));
  }
  return o;
}

struct Unescaped {
  const char *p;  // past the escape; nullptr: no valid escape
  char *o;        // past what it decoded to
};

// Decodes the escape after a backslash at p[-1] onto o, with Go's rules
// for surrogates (a lone one is U+FFFD). Never writes more bytes than it
// reads.
Unescaped unescape(const char *p, const char *e, char *o) {
  if (p >= e)
    return {nullptr, o};
  char c = *p++;
  switch (c) {
  case '"': case '\\': case '/': *o = c; return {p, o + 1};
  case 'b': *o = '\b'; return {p, o + 1};
  case 'f': *o = '\f'; return {p, o + 1};
  case 'n': *o = '\n'; return {p, o + 1};
  case 'r': *o = '\r'; return {p, o + 1};
  case 't': *o = '\t'; return {p, o + 1};
  case 'u': break;
  default: return {nullptr, o};
  }
  int v = hex4(p, e);
  if (v < 0)
    return {nullptr, o};
  p += 4;
  auto r = static_cast<uint32_t>(v);
  if (r >= 0xD800 && r < 0xE000) {
    int low = r < 0xDC00 && e - p >= 2 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2, e) : -1;
    if (low >= 0xDC00 && low < 0xE000) {
      r = 0x10000 + ((r - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
      p += 6;
    } else {
      r = 0xFFFD;
    }
  }
  return {p, put_utf8(o, r)};
}

// Decodes the line at p, of the shape the supervisor writes, writing its
// text at o (advanced past it); the line ends at its newline or, without
// one, at e. Returns the end of the line (past the newline), or nullptr
// if the line has another shape. What it writes, the text and up to 16
// bytes past it, stays within as many bytes from o as there are from p
// to e: the text starts 8 bytes into the line and escapes shrink.
const char *decode_line(const char *p, const char *e, char *&o, bool &is_stderr,
                        std::string_view &time) {
  static constexpr char head[] = "{\"log\":\"", stream[] = ",\"stream\":\"std",
                        out_time[] = "out\",\"time\":\"", err_time[] = "err\",\"time\":\"";
  if (e - p < 8 || std::memcmp(p, head, 8) != 0)
    return nullptr;
  const char *t = p + 8;
  for (;;) {
    if (e - t >= 16) {
      // The text is copied 16 bytes at a time up to its first quote,
      // backslash or control byte; what was copied past it is written over.
      unsigned k = copy16(t, o);
      t += k;
      o += k;
      if (k == 16)
        continue;
    } else {
      while (t < e && !special(*t))
        *o++ = *t++;
      if (t == e)
        return nullptr;
    }
    if (*t == '"') {
      t++;
      break;
    }
    if (*t != '\\')
      return nullptr;  // a raw control byte: no JSON
    // Most lines end so: the newline and the closing quote.
    if (e - t >= 3 && t[1] == 'n' && t[2] == '"') {
      *o++ = '\n';
      t += 3;
      break;
    }
    auto u = unescape(t + 1, e, o);
    if (!u.p)
      return nullptr;
    t = u.p;
    o = u.o;
  }
  if (e - t < 27 || std::memcmp(t, stream, 14) != 0)
    return nullptr;
  if (std::memcmp(t + 14, out_time, 13) == 0)
    is_stderr = false;
  else if (std::memcmp(t + 14, err_time, 13) == 0)
    is_stderr = true;
  else
    return nullptr;
  const char *ts = t + 27, *q = find_special(ts, e);
  if (e - q < 2 || q[0] != '"' || q[1] != '}')
    return nullptr;
  time = std::string_view(ts, static_cast<size_t>(q - ts));
  q += 2;
  if (q == e)
    return q;
  return *q == '\n' ? q + 1 : nullptr;
}

// What follows the text of a line of one stream, after its last newline
// (30 bytes) or without one (27).
struct After {
  explicit After(bool is_stderr)
      : newline(is_stderr ? "\\n\",\"stream\":\"stderr\",\"time\":\""
                          : "\\n\",\"stream\":\"stdout\",\"time\":\""),
        bare(is_stderr ? ",\"stream\":\"stderr\",\"time\":\"" : ",\"stream\":\"stdout\",\"time\":\"") {}
  Constant<30> newline;
  Constant<27> bare;
};

// The fast way for decode_line through a line of the stream of `after`,
// with a time of at most 30 bytes made of time_bytes, more than 128 bytes
// before e; nullptr: the line is none such (and may be written to o). The
// line's end is found with one test after the end of its text: the next
// line's decoding can start while this one's is checked.
[[gnu::always_inline]] inline const char *fast_line(const char *p, const char *e, char *&o,
                                                    const After &after) {
  if (std::memcmp(p, "{\"log\":\"", 8) != 0)
    return nullptr;
  const char *t = p + 8;
  for (;;) {
    unsigned k = copy16(t, o);
    t += k;
    o += k;
    if (k < 16) {
      if (after.newline.at(t)) {
        *o++ = '\n';
        t += 30;
        break;
      }
      if (*t == '"' && after.bare.at(t + 1)) {
        t += 28;
        break;
      }
      if (*t != '\\')
        return nullptr;
      auto u = unescape(t + 1, e, o);
      if (!u.p)
        return nullptr;
      t = u.p;
      o = u.o;
    }
    // Room for 16 more bytes of text and the rest of the line.
    if (e - t < 80)
      return nullptr;
  }
  // t is at the time: the supervisor's are 30 bytes, or less when Go's
  // format drops trailing zeros.
  if (time_of_30(t) && std::memcmp(t + 30, "\"}\n", 3) == 0)
    return t + 33;
  uint32_t tb = time_mask(t) | time_mask(t + 16) << 16;
  auto n = static_cast<unsigned>(__builtin_ctz(~tb));
  return n < 30 && std::memcmp(t + n, "\"}\n", 3) == 0 ? t + n + 3 : nullptr;
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

namespace {

// Where a run's next line starts and its text goes.
struct Lane {
  const char *p;
  char *o;
};

struct Run {
  const char *e, *fast_end;  // the data's end; fast_line takes lines before fast_end
  bool is_stderr;
  After after;

  // Decodes the lane's lines up to `stop`, where one ends; false if it
  // stopped before.
  bool lane(Lane &l, const char *stop) const {
    while (l.p < stop) {
      char *line_out = l.o;
      const char *end = l.p < fast_end ? fast_line(l.p, e, l.o, after) : nullptr;
      if (!end) {
        char *slow_out = line_out;
        bool err = false;
        std::string_view time;
        end = decode_line(l.p, e, slow_out, err, time);
        if (!end || err != is_stderr || end[-1] != '\n') {
          l.o = line_out;
          return false;
        }
        l.o = slow_out;
      }
      l.p = end;
    }
    return true;
  }
};

} // namespace

LogRun decode_json_log_run(std::string_view data, bool is_stderr, char *out) {
  const char *b = data.data(), *e = b + data.size();
  const Run run{e, data.size() > 128 ? e - 128 : b, is_stderr, After(is_stderr)};
  // A line's end is known only once its text's is, some 20 cycles after
  // its start: two lanes, the first and the second half, decoded in step
  // keep the CPU twice as busy. The second's text is written after room
  // for the first's, and moved into place once the first is done; it is
  // wasted if the first stops short (at a line of the other stream, say).
  size_t half = data.size() / 2;
  const void *nl = half >= 4096 ? std::memchr(b + half, '\n', data.size() - half) : nullptr;
  const char *mid = nl ? static_cast<const char *>(nl) + 1 : e;
  if (mid >= run.fast_end) {
    Lane one{b, out};
    run.lane(one, e);
    return {static_cast<size_t>(one.p - b), static_cast<size_t>(one.o - out)};
  }
  // kRunSlack: what the first lane writes past its text (a line's text is
  // never longer than the line) stays clear of the second's.
  char *out2 = out + (mid - b) + kRunSlack;
  // In registers: the lanes' addresses are taken below.
  const char *p1 = b, *p2 = mid;
  char *o1 = out, *o2 = out2;
  while (p1 < mid && p2 < run.fast_end) {
    char *line1 = o1, *line2 = o2;
    const char *end1 = fast_line(p1, e, o1, run.after), *end2 = fast_line(p2, e, o2, run.after);
    if (!end1 || !end2) {
      // Each lane goes on alone, in the slow way too.
      if (end1)
        p1 = end1;
      else
        o1 = line1;
      if (end2)
        p2 = end2;
      else
        o2 = line2;
      break;
    }
    p1 = end1;
    p2 = end2;
  }
  Lane one{p1, o1}, two{p2, o2};
  if (!run.lane(one, mid))
    return {static_cast<size_t>(one.p - b), static_cast<size_t>(one.o - out)};
  run.lane(two, e);
  std::memmove(one.o, out2, static_cast<size_t>(two.o - out2));
  return {static_cast<size_t>(two.p - b), static_cast<size_t>((one.o - out) + (two.o - out2))};
}

std::optional<LogFields> decode_json_log_line(std::string_view data, size_t &used,
                                              std::string &text, std::string &scratch) {
  size_t nl = data.find('\n');
  std::string_view line = data.substr(0, nl == std::string_view::npos ? data.size() : nl + 1);
  size_t mark = text.size();
  // Room for all that decode_line writes.
  text.resize(mark + line.size());
  char *o = text.data() + mark;
  bool is_stderr = false;
  std::string_view time;
  const char *end = decode_line(line.data(), line.data() + line.size(), o, is_stderr, time);
  used = line.size();
  if (end == line.data() + line.size()) {
    text.resize(static_cast<size_t>(o - text.data()));
    return LogFields{is_stderr, time};
  }
  text.resize(mark);
  if (line.ends_with('\n'))
    line.remove_suffix(1);
  return decode_with_parser(line, text, scratch);
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
