// registries.conf (containers-registries.conf(5)): the search list, the
// per-registry entries and their matching, version 1, drop-in merging.
#include <catch2/catch.hpp>

#include "skiff/registry/registries_conf.hpp"

using namespace skiff;
using registry::RegistriesConf;

namespace {

RegistriesConf conf(std::string_view text) {
  auto c = RegistriesConf::parse(text, "test.conf");
  INFO(text);
  REQUIRE(c);
  return *c;
}

std::string error_of(std::string_view text) {
  auto c = RegistriesConf::parse(text, "test.conf");
  REQUIRE_FALSE(c);
  return c.error().message;
}

std::vector<std::string> names(const RegistriesConf &c, std::string_view text) {
  std::vector<std::string> out;
  auto refs = c.candidates(text);
  REQUIRE(refs);
  for (const auto &r : *refs)
    out.push_back(r.full());
  return out;
}

} // namespace

TEST_CASE("registries.conf: version 2", "[registries]") {
  auto c = conf(R"(
unqualified-search-registries = ["127.0.0.1:5000", "docker.io"]
short-name-mode = "permissive"

[[registry]]
location = "127.0.0.1:5000"
insecure = true

[[registry]]
prefix = "*.internal.example"
insecure = true

[[registry]]
location = "evil.example/"
blocked = true
  [[registry.mirror]]
  location = "mirror.example"

[aliases]
"busybox" = "docker.io/library/busybox"
)");
  CHECK(c.search == std::vector<std::string>{"127.0.0.1:5000", "docker.io"});
  CHECK(c.search_set);
  REQUIRE(c.registries.size() == 3);
  CHECK(c.registries[0].prefix == "127.0.0.1:5000");
  CHECK(c.registries[0].location == "127.0.0.1:5000");
  CHECK(c.registries[0].insecure);
  CHECK(c.registries[1].location.empty());
  CHECK(c.registries[2].prefix == "evil.example");
  CHECK(c.registries[2].blocked);
  CHECK_FALSE(c.registries[2].insecure);
  // Whether `insecure` was written: an explicit false keeps a local
  // registry verified.
  CHECK(c.registries[0].insecure_set);
  CHECK_FALSE(c.registries[2].insecure_set);
  auto secure = conf("[[registry]]\nlocation = \"localhost:5000\"\ninsecure = false\n");
  CHECK(secure.registries.at(0).insecure_set);
  CHECK_FALSE(secure.registries.at(0).insecure);
}

TEST_CASE("registries.conf: the longest prefix on whole components", "[registries]") {
  auto c = conf(R"(
[[registry]]
location = "reg.example"
[[registry]]
location = "reg.example/team"
insecure = true
[[registry]]
prefix = "*.example"
blocked = true
)");
  REQUIRE(c.find("reg.example/app"));
  CHECK(c.find("reg.example/app")->prefix == "reg.example");
  CHECK(c.find("reg.example/team/app")->prefix == "reg.example/team");
  CHECK(c.find("reg.example/teamwork")->prefix == "reg.example");
  CHECK(c.find("reg.example")->prefix == "reg.example");
  CHECK(c.find("other.example/x")->prefix == "*.example");
  CHECK(c.find("a.b.example/x")->prefix == "*.example");
  CHECK_FALSE(c.find("example/x"));
  CHECK_FALSE(c.find("reg.example.org/x"));
  CHECK_FALSE(c.find("docker.io/library/busybox"));
}

TEST_CASE("registries.conf: short names go through the search list, Docker's default without one",
          "[registries]") {
  RegistriesConf none;
  CHECK(names(none, "busybox") == std::vector<std::string>{"docker.io/library/busybox:latest"});
  auto c = conf(R"(unqualified-search-registries = ["127.0.0.1:5000", "docker.io"])");
  CHECK(names(c, "busybox:1") ==
        std::vector<std::string>{"127.0.0.1:5000/busybox:1", "docker.io/library/busybox:1"});
  CHECK(names(c, "team/app") == std::vector<std::string>{"127.0.0.1:5000/team/app:latest", "docker.io/team/app:latest"});
  // Qualified names are themselves.
  CHECK(names(c, "quay.io/x") == std::vector<std::string>{"quay.io/x:latest"});
  CHECK(names(c, "localhost/x") == std::vector<std::string>{"localhost/x:latest"});
  CHECK(names(c, "h:1/x") == std::vector<std::string>{"h:1/x:latest"});
  CHECK_FALSE(c.candidates("Bad"));
  CHECK(names(conf("unqualified-search-registries = []"), "x") ==
        std::vector<std::string>{"docker.io/library/x:latest"});
}

TEST_CASE("registries.conf: version 1", "[registries]") {
  auto c = conf(R"(
[registries.search]
registries = ['a.example', 'docker.io']
[registries.insecure]
registries = ['a.example']
[registries.block]
registries = ['b.example']
)");
  CHECK(c.search == std::vector<std::string>{"a.example", "docker.io"});
  REQUIRE(c.registries.size() == 2);
  CHECK(c.find("a.example/x")->insecure);
  CHECK(c.find("a.example/x")->insecure_set);
  CHECK(c.find("b.example/x")->blocked);
  CHECK_FALSE(c.find("b.example/x")->insecure_set);
}

TEST_CASE("registries.conf: drop-ins replace the search list and same-prefix entries", "[registries]") {
  auto c = conf(R"(
unqualified-search-registries = ["a.example"]
[[registry]]
location = "a.example"
insecure = true
)");
  c.merge(conf(R"(
[[registry]]
location = "a.example"
[[registry]]
location = "b.example"
insecure = true
)"));
  CHECK(c.search == std::vector<std::string>{"a.example"});
  REQUIRE(c.registries.size() == 2);
  CHECK_FALSE(c.find("a.example/x")->insecure);
  CHECK(c.find("b.example/x")->insecure);
  c.merge(conf("unqualified-search-registries = [\"b.example\"]"));
  CHECK(c.search == std::vector<std::string>{"b.example"});
}

TEST_CASE("registries.conf: what is refused, naming the file", "[registries]") {
  CHECK(error_of("unqualified-search-registries = \"docker.io\"") ==
        "test.conf: unqualified-search-registries must be a list of strings");
  CHECK(error_of("unqualified-search-registries = [\"https://x.example\"]") ==
        "test.conf: unqualified-search-registries: \"https://x.example\" is not a registry (host[:port], "
        "no scheme or path)");
  CHECK(error_of("[[registry]]\ninsecure = true") == "test.conf: a [[registry]] needs a location or a prefix");
  CHECK(error_of("[[registry]]\nlocation = \"x.example\"\ninsecure = \"yes\"") ==
        "test.conf: insecure must be true or false");
  CHECK(error_of("[[registry]]\nprefix = \"x.*.example\"") ==
        "test.conf: prefix \"x.*.example\": a wildcard is only allowed as *.domain");
  CHECK(error_of("[[registry]]\nlocation = \"a\"\n[[registry]]\nlocation = \"a\"") ==
        "test.conf: prefix \"a\" has two [[registry]] entries");
  CHECK(error_of("unqualified-search-registries = []\n[registries.search]\nregistries = []") ==
        "test.conf: mixes the version 1 format ([registries.*]) with version 2 "
        "(unqualified-search-registries, [[registry]])");
  CHECK(error_of("x = [") == "test.conf: line 1: Error while parsing array: encountered end-of-file");
  CHECK(error_of("a = 1\na = 2") == "test.conf: line 2: Error while parsing key-value pair: cannot redefine existing integer 'a'");
}

TEST_CASE("short names: Docker's rule for the first component", "[registries]") {
  CHECK(registry::is_short_name("busybox"));
  CHECK(registry::is_short_name("busybox:1"));
  CHECK(registry::is_short_name("team/app"));
  CHECK_FALSE(registry::is_short_name("quay.io/app"));
  CHECK_FALSE(registry::is_short_name("host:5000/app"));
  CHECK_FALSE(registry::is_short_name("localhost/app"));
}
