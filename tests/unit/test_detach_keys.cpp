// --detach-keys parsing and the escape filter, against moby/term's rules.
#include <catch2/catch.hpp>

#include "skiff/cli/detach_keys.hpp"

using namespace skiff;
using cli::EscapeFilter;
using cli::parse_detach_keys;

TEST_CASE("detach keys: Docker's syntax", "[detach]") {
  CHECK(*parse_detach_keys("") == "\x10\x11");
  CHECK(*parse_detach_keys("ctrl-p,ctrl-q") == "\x10\x11");
  CHECK(*parse_detach_keys("ctrl-a,d") == "\x01"
                                          "d");
  CHECK(*parse_detach_keys("ctrl-@") == std::string(1, '\0'));
  CHECK(*parse_detach_keys("ctrl-\\,ctrl-_,ctrl-[,ctrl-]") == "\x1c\x1f\x1b\x1d");
  CHECK(*parse_detach_keys("x,DEL") == "x\x7f");
  CHECK(*parse_detach_keys("-") == "-");
}

TEST_CASE("detach keys: a bad key is Docker's error, exit 1", "[detach]") {
  auto bad = parse_detach_keys("ctrl-p,shift-q");
  REQUIRE(!bad);
  CHECK(bad.error().message == "invalid detach keys (ctrl-p,shift-q): unknown character: 'shift-q'");
  CHECK(bad.error().exit_code == 1);
  CHECK(parse_detach_keys("ctrl-A").error().message.find("'ctrl-A'") != std::string::npos);
  CHECK(parse_detach_keys("ctrl-pp").error().message.find("'ctrl-pp'") != std::string::npos);
  CHECK(parse_detach_keys("a,,b").error().message.find("''") != std::string::npos);
  CHECK(!parse_detach_keys(","));
  CHECK(!parse_detach_keys("\xc3\xa9"));  // one character, two bytes: Docker counts bytes
}

namespace {

struct Fed {
  std::string out;
  bool detached = false;
};

Fed feed_all(EscapeFilter &f, std::initializer_list<std::string_view> reads) {
  Fed r;
  for (auto in : reads)
    if (!r.detached)
      r.detached = f.feed(in, r.out);
  return r;
}

} // namespace

TEST_CASE("escape filter: the whole sequence detaches and is not passed on", "[detach]") {
  EscapeFilter f("\x10\x11");
  auto r = feed_all(f, {"ls\r\x10\x11tail"});
  CHECK(r.detached);
  CHECK(r.out == "ls\r");
}

TEST_CASE("escape filter: a sequence split across reads", "[detach]") {
  EscapeFilter f("\x10\x11");
  std::string out;
  CHECK_FALSE(f.feed("a\x10", out));
  CHECK(out == "a");  // Ctrl-P is held back
  CHECK(f.pending() == "\x10");
  CHECK(f.feed("\x11", out));
  CHECK(out == "a");
}

TEST_CASE("escape filter: a partial sequence and another key pass on together", "[detach]") {
  EscapeFilter f("\x10\x11");
  std::string out;
  CHECK_FALSE(f.feed("\x10", out));
  CHECK(out.empty());
  CHECK_FALSE(f.feed("x", out));
  CHECK(out == "\x10x");
  CHECK(f.pending().empty());
  // Ctrl-P Ctrl-P: as in moby's proxy, the second is passed on with the
  // first rather than tried as a new start.
  out.clear();
  CHECK_FALSE(f.feed("\x10\x10\x11", out));
  CHECK(out == "\x10\x10\x11");
}

TEST_CASE("escape filter: custom and one-key sequences", "[detach]") {
  EscapeFilter three(*parse_detach_keys("ctrl-a,d,e"));
  std::string out;
  CHECK_FALSE(three.feed("\x01" "dx", out));
  CHECK(out == "\x01" "dx");
  out.clear();
  CHECK(three.feed("ok\x01" "de", out));
  CHECK(out == "ok");
  EscapeFilter one("\x1c");
  out.clear();
  CHECK(one.feed("ab\x1c", out));
  CHECK(out == "ab");
  // Ctrl-P Ctrl-Q mean nothing once the keys are changed.
  EscapeFilter other("\x01" "d");
  out.clear();
  CHECK_FALSE(other.feed("\x10\x11", out));
  CHECK(out == "\x10\x11");
}
