#include <catch2/catch.hpp>

#include <ctime>
#include <vector>

#include "skiff/supervisor/json_log.hpp"
#include "skiff/util/timefmt.hpp"

using namespace skiff;

TEST_CASE("json-file lines look as Docker writes them") {
  int64_t t = 1795372015'123456789;
  CHECK(supervisor::json_log_line("hello\n", "stdout", t) ==
        "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-22T18:26:55.123456789Z\"}\n");
  CHECK(supervisor::json_log_line("x", "stderr", 1795372015'000000000) ==
        "{\"log\":\"x\",\"stream\":\"stderr\",\"time\":\"2026-11-22T18:26:55Z\"}\n");
}

TEST_CASE("json-file escapes as moby's jsonlog") {
  auto log = [](std::string_view s) {
    auto line = supervisor::json_log_line(s, "stdout", 1);
    return line.substr(7, line.find(",\"stream\"") - 7);
  };
  CHECK(log("a\"b\\c") == R"("a\"b\\c")");
  CHECK(log("<a href=\"x\">&") == R"("\u003ca href=\"x\"\u003e\u0026")");
  CHECK(log("\t\r\n\x01\x1f") == R"("\t\r\n\u0001\u001f")");
  CHECK(log("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\"");
  // Invalid UTF-8: a stray continuation byte, an overlong form, a surrogate,
  // a truncated sequence.
  CHECK(log("a\x80z") == R"("a\ufffdz")");
  CHECK(log("\xc0\xaf") == R"("\ufffd\ufffd")");
  CHECK(log("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");
  CHECK(log("\xe2\x82") == R"("\ufffd\ufffd")");
  CHECK(log("\xe2\x80\xa8|\xe2\x80\xa9") == R"("\u2028|\u2029")");
}

namespace {

struct Decoded {
  std::string text;
  bool is_stderr = false;
  std::string time;
};

std::optional<Decoded> decode(std::string_view line) {
  Decoded d;
  std::string scratch;
  auto f = supervisor::decode_json_log_line(line, d.text, scratch);
  if (!f)
    return std::nullopt;
  d.is_stderr = f->is_stderr;
  d.time = f->time_text;
  return d;
}

} // namespace

TEST_CASE("json-file lines decode back") {
  auto line = supervisor::json_log_line("a <b> \"c\"\n", "stderr", 1795372015'5);
  auto e = decode(std::string_view(line).substr(0, line.size() - 1));
  REQUIRE(e);
  CHECK(e->text == "a <b> \"c\"\n");
  CHECK(e->is_stderr);
  CHECK(timefmt::parse_rfc3339(e->time) == 1795372015'5);
}

TEST_CASE("json-file decoding round-trips every byte the encoder takes") {
  std::string all;
  for (int c = 0; c < 0x80; c++)
    all += static_cast<char>(c);
  all += "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 \xe2\x80\xa8";
  auto line = supervisor::json_log_line(all, "stdout", 1);
  auto e = decode(std::string_view(line).substr(0, line.size() - 1));
  REQUIRE(e);
  CHECK(e->text == all);
  CHECK_FALSE(e->is_stderr);
  // Invalid UTF-8 was written as U+FFFD.
  line = supervisor::json_log_line("a\x80z", "stdout", 1);
  CHECK(decode(std::string_view(line).substr(0, line.size() - 1))->text == "a\xef\xbf\xbdz");
}

TEST_CASE("json-file decoding takes other writers' JSON") {
  // Surrogate pairs, a lone surrogate, other key order, extra keys, spaces.
  auto e = decode(R"({"log":"\ud83d\udc33 \ud800x\/","stream":"stdout","time":"2026-11-22T18:26:55Z"})");
  REQUIRE(e);
  CHECK(e->text == "\xf0\x9f\x90\xb3 \xef\xbf\xbdx/");
  e = decode(R"({"stream":"stderr","attrs":{"a":"b"},"time":"2026-11-22T18:26:55Z","log":"hi\n"})");
  REQUIRE(e);
  CHECK(e->text == "hi\n");
  CHECK(e->is_stderr);
  CHECK(e->time == "2026-11-22T18:26:55Z");
  e = decode(R"( {"log": "x", "stream": "stdout", "time": "t"} )");
  REQUIRE(e);
  CHECK(e->text == "x");
  CHECK_FALSE(decode(R"({"log":"unterminated)"));
  CHECK_FALSE(decode("not json"));
  CHECK_FALSE(decode(R"({"log":"a","stream":"stdout","time":"x"}{)"));
  std::string text = "kept";
  std::string scratch;
  CHECK_FALSE(supervisor::decode_json_log_line(R"({"log":"half\u12)", text, scratch));
  CHECK(text == "kept");
}

TEST_CASE("the line splitter cuts at newlines and 16 KiB, copying only partial lines") {
  supervisor::LineSplitter s;
  std::vector<std::string> got;
  auto emit = [&](std::string_view l) { got.emplace_back(l); };
  s.feed("a\nbb\ncc", emit);
  CHECK(got == std::vector<std::string>{"a\n", "bb\n"});
  s.feed("c\n\nd", emit);
  CHECK(got == std::vector<std::string>{"a\n", "bb\n", "ccc\n", "\n"});
  s.flush(emit);
  CHECK(got.back() == "d");
  got.clear();
  // A long line goes out in 16 KiB pieces, as Docker's copier cuts it,
  // whether it arrives at once or bit by bit.
  const size_t k = supervisor::LineSplitter::kMaxPartial;
  s.feed(std::string(2 * k + 5, 'x') + "\ny", emit);
  REQUIRE(got.size() == 3);
  CHECK(got[0].size() == k);
  CHECK(got[1].size() == k);
  CHECK(got[2] == "xxxxx\n");
  got.clear();
  for (size_t i = 0; i < k; i += 1000)
    s.feed(std::string(1000, 'z'), emit);
  REQUIRE(got.size() == 1);
  CHECK(got[0] == "y" + std::string(k - 1, 'z'));
  s.flush(emit);
  CHECK(got.size() == 2);
}

TEST_CASE("rfc3339nano matches gmtime and trims the fraction as Go does") {
  CHECK(timefmt::rfc3339nano(0) == "0001-01-01T00:00:00Z");
  CHECK(timefmt::rfc3339nano(1'500'000'000) == "1970-01-01T00:00:01.5Z");
  CHECK(timefmt::rfc3339nano(951782400'000000010) == "2000-02-29T00:00:00.00000001Z");
  CHECK(timefmt::rfc3339nano(-1) == "1969-12-31T23:59:59.999999999Z");
  for (int64_t secs : {int64_t(86399), int64_t(1709164800), int64_t(4102444799), int64_t(-86400 * 365)}) {
    time_t tt = static_cast<time_t>(secs);
    tm t;
    gmtime_r(&tt, &t);
    char want[32];
    std::strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &t);
    CHECK(timefmt::rfc3339nano(secs * 1'000'000'000) == want);
  }
}

TEST_CASE("parse_rfc3339 reads what rfc3339nano writes, and offsets") {
  for (int64_t ns : {int64_t(1), int64_t(1'500'000'000), int64_t(951782400'000000010), int64_t(1795372015'123456789),
                     int64_t(4102444799'999999999)})
    CHECK(timefmt::parse_rfc3339(timefmt::rfc3339nano(ns)) == ns);
  CHECK(timefmt::parse_rfc3339("2026-11-22T19:26:55+01:00") == 1795372015'000000000);
  CHECK(timefmt::parse_rfc3339("2026-11-22T18:26:55.5") == 1795372015'500000000);
  CHECK_FALSE(timefmt::parse_rfc3339("2026-13-22T18:26:55Z"));
  CHECK_FALSE(timefmt::parse_rfc3339("2026-11-22 18:26:55Z"));
  CHECK_FALSE(timefmt::parse_rfc3339("2026-11-2xT18:26:55Z"));
  CHECK_FALSE(timefmt::parse_rfc3339("2026-11-22T18:26:55Zjunk"));
}

TEST_CASE("rfc3339nano_fixed always prints nine digits, as docker logs -t") {
  CHECK(timefmt::rfc3339nano_fixed(1795372015'120000000) == "2026-11-22T18:26:55.120000000Z");
  CHECK(timefmt::rfc3339nano_fixed(1795372015'000000000) == "2026-11-22T18:26:55.000000000Z");
  CHECK(timefmt::rfc3339nano_fixed(1795372015'123456789) == "2026-11-22T18:26:55.123456789Z");
}
