// util's text helpers shared by the Dockerfile frontend, the flag parsers
// and the template engine: CSV records and Go's UTF-8.
#include <catch2/catch.hpp>

#include "skiff/util/csv.hpp"
#include "skiff/util/utf8.hpp"

using namespace skiff;

TEST_CASE("csv_fields splits a record as Go's encoding/csv", "[util][csv]") {
  auto f = [](std::string_view s) { return *str::csv_fields(s); };
  using V = std::vector<std::string>;
  CHECK(f("type=bind,src=/a") == V{"type=bind", "src=/a"});
  CHECK(f("") == V{""});
  CHECK(f("a,,b,") == V{"a", "", "b", ""});
  CHECK(f("\"dst=/a,b\",ro") == V{"dst=/a,b", "ro"});
  CHECK(f("\"say \"\"hi\"\"\"") == V{"say \"hi\""});
  auto why = [](std::string_view s) { return str::csv_fields(s).error().message; };
  CHECK(why("a=\"b\"") == "bare \" in non-quoted-field");
  CHECK(why("\"a") == "extraneous or missing \" in quoted-field");
  CHECK(why("\"a\"b") == "extraneous or missing \" in quoted-field");
}

TEST_CASE("decode_rune gives what Go's utf8.DecodeRune gives", "[util][utf8]") {
  auto dec = [](std::string_view s) {
    size_t w;
    char32_t r = utf8::decode_rune(s, 0, &w);
    return std::pair<char32_t, size_t>{r, w};
  };
  using P = std::pair<char32_t, size_t>;
  CHECK(dec("a") == P{'a', 1});
  CHECK(dec("\xc3\xa9") == P{0xe9, 2});
  CHECK(dec("\xe2\x82\xac") == P{0x20ac, 3});
  CHECK(dec("\xf0\x9f\x90\xb3") == P{0x1f433, 4});
  CHECK(dec("\xc3") == P{utf8::kRuneError, 1});              // truncated
  CHECK(dec("\xc0\xaf") == P{utf8::kRuneError, 1});          // overlong
  CHECK(dec("\xed\xa0\x80") == P{utf8::kRuneError, 1});      // surrogate
  CHECK(dec("\xf4\x90\x80\x80") == P{utf8::kRuneError, 1});  // past U+10FFFF
  CHECK(dec("\xf8\x88\x80\x80") == P{utf8::kRuneError, 1});  // no such lead byte
  CHECK(dec("\x80") == P{utf8::kRuneError, 1});
}

TEST_CASE("append_rune writes Go's string(r)", "[util][utf8]") {
  std::string s;
  for (char32_t r : {char32_t('a'), char32_t(0xe9), char32_t(0x20ac), char32_t(0x1f433)})
    utf8::append_rune(s, r);
  CHECK(s == "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x90\xb3");
  s.clear();
  utf8::append_rune(s, 0xd800);
  utf8::append_rune(s, 0xffffffff);  // rune(-1)
  CHECK(s == "\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(utf8::is_space(0x3000));
  CHECK(utf8::is_space(0x85));
  CHECK_FALSE(utf8::is_space(0x200b));
}

TEST_CASE("go_escape gives strconv.Quote's letter escapes", "[util][utf8]") {
  CHECK(std::string(utf8::go_escape('\n')) == "\\n");
  CHECK(std::string(utf8::go_escape('\a')) == "\\a");
  CHECK(std::string(utf8::go_escape('\v')) == "\\v");
  CHECK(utf8::go_escape('a') == nullptr);
  CHECK(utf8::go_escape(0x1b) == nullptr);  // \x1b: no letter of its own
}
