// The typed JSON reader: types checked, the first problem named by
// document and path, null as absent, no exceptions.
#include <catch2/catch.hpp>

#include "skiff/util/json_read.hpp"

using namespace skiff;

namespace {

// The error of reading `text` with `read`, or "" when it reads cleanly.
template <typename F> std::string problem(std::string_view text, F read) {
  auto doc = JsonDoc::parse(text, "doc.json");
  if (!doc)
    return doc.error().message;
  read(doc->root());
  auto st = doc->status();
  return st ? "" : st.error().message;
}

} // namespace

TEST_CASE("json_read: values of the asked type read", "[json_read]") {
  auto doc = JsonDoc::parse(R"({"s":"x","b":true,"i":-3,"u":7,"f":1.5,"a":["p","q"],
                               "m":{"k":"v"},"n":null})",
                            "doc.json");
  REQUIRE(doc);
  auto r = doc->root();
  CHECK(r["s"].as_string() == "x");
  CHECK(r["b"].as_bool());
  CHECK(r["i"].as_int<int>() == -3);
  CHECK(r["u"].as_int<uint32_t>() == 7);
  CHECK(r["f"].as_number() == 1.5);
  CHECK(r["i"].as_number() == -3);
  CHECK(r["a"].as_strings() == std::vector<std::string>{"p", "q"});
  CHECK(r["m"].as_string_map() == std::map<std::string, std::string>{{"k", "v"}});
  CHECK(r["m"].keys() == std::vector<std::string>{"k"});
  // Absent and null read as empty, without a problem.
  CHECK(r["n"].as_string().empty());
  CHECK(r["missing"].as_strings().empty());
  CHECK(r["missing"]["deeper"].as_int<int64_t>() == 0);
  CHECK_FALSE(r["n"].present());
  CHECK(r["s"].present());
  CHECK(doc->status());
}

TEST_CASE("json_read: a wrong type names the document and the path", "[json_read]") {
  CHECK(problem(R"([{"Layers":[5]}])", [](JsonField r) {
          for (auto e : r.elements())
            e["Layers"].as_strings();
        }) == "doc.json: [0].Layers[0]: expected a string, got a number");
  CHECK(problem(R"({"manifests":5})", [](JsonField r) { r["manifests"].elements(); }) ==
        "doc.json: manifests: expected an array, got a number");
  CHECK(problem(R"("x")", [](JsonField r) { r["manifests"].elements(); }) ==
        "doc.json: expected an object, got a string");
  CHECK(problem("null", [](JsonField r) { r.elements(); }) == "doc.json: expected an array, got null");
  CHECK(problem(R"({"a":{"io.x/y":{"b":[true]}}})",
                [](JsonField r) { r["a"]["io.x/y"]["b"].as_strings(); }) ==
        R"(doc.json: a["io.x/y"].b[0]: expected a string, got a boolean)");
  CHECK(problem(R"({"h":[5,{"e":"yes"}]})", [](JsonField r) {
          for (auto h : r["h"].elements())
            h["e"].as_bool();
        }) == "doc.json: h[0]: expected an object, got a number");
  CHECK(problem(R"({"m":{"k":1}})", [](JsonField r) { r["m"].as_string_map(); }) ==
        "doc.json: m.k: expected a string, got a number");
  CHECK(problem(R"({"m":[]})", [](JsonField r) { r["m"].keys(); }) ==
        "doc.json: m: expected an object, got an array");
}

TEST_CASE("json_read: the first problem is kept", "[json_read]") {
  CHECK(problem(R"({"a":1,"b":2})", [](JsonField r) {
          r["a"].as_string();
          r["b"].as_bool();
        }) == "doc.json: a: expected a string, got a number");
}

TEST_CASE("json_read: required fields", "[json_read]") {
  CHECK(problem(R"({})", [](JsonField r) { r["Config"].required().as_string(); }) ==
        "doc.json: Config: missing");
  CHECK(problem(R"({"Config":null})", [](JsonField r) { r["Config"].required().as_string(); }) ==
        "doc.json: Config: expected a string, got null");
  CHECK(problem(R"({"Config":""})", [](JsonField r) { r["Config"].required().as_string(); }).empty());
  // Inside an absent object nothing is required of its members.
  CHECK(problem(R"({})", [](JsonField r) { r["a"]["b"].as_string(); }).empty());
}

TEST_CASE("json_read: integers by range", "[json_read]") {
  CHECK(problem(R"({"n":1.5})", [](JsonField r) { r["n"].as_int<int>(); }) ==
        "doc.json: n: expected an integer, got a number");
  CHECK(problem(R"({"n":-1})", [](JsonField r) { r["n"].as_int<uint32_t>(); }) ==
        "doc.json: n: expected an integer from 0 to 4294967295, got -1");
  CHECK(problem(R"({"n":4294967296})", [](JsonField r) { r["n"].as_int<int32_t>(); }) ==
        "doc.json: n: expected an integer from -2147483648 to 2147483647, got 4294967296");
  CHECK(problem(R"({"n":18446744073709551615})", [](JsonField r) { r["n"].as_int<int64_t>(); }) ==
        "doc.json: n: expected an integer from -9223372036854775808 to 9223372036854775807, got "
        "18446744073709551615");
  CHECK(problem(R"({"n":"5"})", [](JsonField r) { r["n"].as_int<int64_t>(); }) ==
        "doc.json: n: expected an integer, got a string");
  auto doc = JsonDoc::parse(R"({"n":18446744073709551615,"m":-9223372036854775808})", "d");
  REQUIRE(doc);
  CHECK(doc->root()["n"].as_int<uint64_t>() == UINT64_MAX);
  CHECK(doc->root()["m"].as_int<int64_t>() == INT64_MIN);
  CHECK(doc->status());
}

TEST_CASE("json_read: digests", "[json_read]") {
  std::string d = "sha256:" + std::string(64, 'a');
  CHECK(problem(R"({"d":")" + d + R"("})", [](JsonField r) { r["d"].as_digest(); }).empty());
  CHECK(problem(R"({"d":"sha256:xyz"})", [](JsonField r) { r["d"].as_digest(); }) ==
        "doc.json: d: expected a sha256 digest (sha256:<64 hex digits>)");
  CHECK(problem(R"({"d":""})", [](JsonField r) { r["d"].required().as_digest(); }) ==
        "doc.json: d: expected a sha256 digest (sha256:<64 hex digits>)");
}

TEST_CASE("json_read: invalid JSON says where", "[json_read]") {
  auto r = JsonDoc::parse("{\n  \"a\": [5,\n  x]\n}", "index.json");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "index.json: not valid JSON at line 3, column 3");
  CHECK(JsonDoc::parse("", "e.json").error().message == "e.json: not valid JSON at line 1, column 1");
  CHECK(JsonDoc::parse("[1] [2]", "t.json").error().message ==
        "t.json: not valid JSON at line 1, column 5");
}

TEST_CASE("json_read: deep nesting is refused, not recursed into", "[json_read]") {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto r = JsonDoc::parse(deep, "deep.json");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "deep.json: nested deeper than 512 levels");
  std::string ok(JsonDoc::kMaxDepth, '[');
  ok += std::string(JsonDoc::kMaxDepth, ']');
  CHECK(JsonDoc::parse(ok, "ok.json"));
}

TEST_CASE("json_read: names and keys from the input stay on one line", "[json_read]") {
  CHECK(problem("{\"a\\nb\":1}", [](JsonField r) { r["a\nb"].as_string(); }) ==
        "doc.json: [\"a\\x0ab\"]: expected a string, got a number");
  auto r = JsonDoc::parse("x", "bad\nname");
  CHECK(r.error().message == "bad\\x0aname: not valid JSON at line 1, column 1");
}

TEST_CASE("json_read: semantic problems through fail()", "[json_read]") {
  CHECK(problem(R"({"size":-1})", [](JsonField r) {
          if (r["size"].as_int<int64_t>() < 0)
            r["size"].fail("must not be negative");
        }) == "doc.json: size: must not be negative");
}
