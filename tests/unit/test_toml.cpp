// The TOML reader behind registries.conf: what config files use, and
// one-line errors naming the line for what it refuses.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "skiff/util/toml.hpp"

using namespace skiff;
using nlohmann::json;

namespace {

json parsed(std::string_view text) {
  auto r = toml::parse(text);
  INFO(text);
  REQUIRE(r);
  return *r;
}

std::string error_of(std::string_view text) {
  auto r = toml::parse(text);
  REQUIRE_FALSE(r);
  return r.error().message;
}

} // namespace

TEST_CASE("toml: keys, tables and arrays of tables", "[toml]") {
  auto j = parsed(R"(# registries
unqualified-search-registries = ["a.example", 'b.example:5000'] # trailing comment
short-name-mode="enforcing"

[[registry]]
location = "one.example"
insecure = true

  [[registry.mirror]]
  location = "mirror.example"

[[registry]]
prefix = "two.example/team"
location = "two.example"

[aliases]
  "docker.io/x" = "quay.io/x"
  plain = 'y'
site."dotted key".deep = 1
)");
  CHECK(j["unqualified-search-registries"] == json({"a.example", "b.example:5000"}));
  CHECK(j["short-name-mode"] == "enforcing");
  REQUIRE(j["registry"].size() == 2);
  CHECK(j["registry"][0]["location"] == "one.example");
  CHECK(j["registry"][0]["insecure"] == true);
  CHECK(j["registry"][0]["mirror"][0]["location"] == "mirror.example");
  CHECK(j["registry"][1]["prefix"] == "two.example/team");
  CHECK(j["aliases"]["docker.io/x"] == "quay.io/x");
  CHECK(j["aliases"]["site"]["dotted key"]["deep"] == 1);
  CHECK(j["aliases"]["plain"] == "y");
}

TEST_CASE("toml: values", "[toml]") {
  auto j = parsed("a = \"tab\\tquote\\\" \\u00e9 \\U0001F600\"\n"
                  "b = 'C:\\no\\escapes'\n"
                  "c = \"\"\"\nline one\nline two\\\n    joined\"\"\"\n"
                  "d = '''\n raw \\n '''\n"
                  "e = [\n  1, # one\n  2,\n]\n"
                  "f = { x = 1, y.z = \"w\" }\n"
                  "g = -1_000\nh = 0x1F\ni = 3.5e2\nj = false\nk = []\nl = [[1], ['a']]\n"
                  "m = \"\"\"two \"\"quotes\"\"\"\"\n");
  CHECK(j["a"] == "tab\tquote\" \xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(j["b"] == "C:\\no\\escapes");
  CHECK(j["c"] == "line one\nline twojoined");
  CHECK(j["d"] == " raw \\n ");
  CHECK(j["e"] == json({1, 2}));
  CHECK(j["f"]["x"] == 1);
  CHECK(j["f"]["y"]["z"] == "w");
  CHECK(j["g"] == -1000);
  CHECK(j["h"] == 31);
  CHECK(j["i"] == 350.0);
  CHECK(j["j"] == false);
  CHECK(j["k"] == json::array());
  CHECK(j["l"] == json({json({1}), json({"a"})}));
  CHECK(j["m"] == "two \"\"quotes\"");
  CHECK(parsed("\xEF\xBB\xBFx = 1\r\ny = 2\r\n")["y"] == 2);
  CHECK(parsed("").empty());
}

TEST_CASE("toml: errors name the line", "[toml]") {
  CHECK(error_of("a = 1\nb 2\n") == "line 2: expected '=' after key \"b\"");
  CHECK(error_of("a = 1\na = 2\n") == "line 2: key \"a\" is defined twice");
  CHECK(error_of("a = \"open\n") == "line 1: unterminated string");
  CHECK(error_of("a = [1 2]") == "line 1: expected ',' or ']' in an array");
  CHECK(error_of("[t\na = 1") == "line 1: expected ']' to close the table header");
  CHECK(error_of("\n\nd = 1979-05-27T07:32:00Z") == "line 3: dates and times are not supported (\"1979-05-27T07:32:00Z\")");
  CHECK(error_of("a = 1 b = 2") == "line 1: unexpected 'b' after a value");
  CHECK(error_of("a = \"\\q\"") == "line 1: unknown escape \\q in a string");
  CHECK(error_of("a = 1\n[a]\n") == "line 2: \"a\" is a value, not a table");
  CHECK(error_of("a = 01") == "line 1: bad value \"01\"");
  CHECK(error_of("a = ") == "line 1: expected a value");
  CHECK(error_of("= 1") == "line 1: expected a key, not '='");
  CHECK(error_of("a = \"\"\"never closed") == "line 1: unterminated multi-line string");
}
