#include <catch2/catch.hpp>

#include <ctime>

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

TEST_CASE("json-file lines parse back") {
  auto line = supervisor::json_log_line("a <b> \"c\"\n", "stderr", 1795372015'5);
  auto e = supervisor::parse_json_log_line(line.substr(0, line.size() - 1));
  REQUIRE(e);
  CHECK(e->log == "a <b> \"c\"\n");
  CHECK(e->stream == "stderr");
  CHECK(e->time_ns == 1795372015'5);
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
