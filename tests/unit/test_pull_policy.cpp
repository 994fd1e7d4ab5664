// run and create's --pull values: Docker's three, nothing else (not podman's newer).
#include <catch2/catch.hpp>

#include "skiff/engine/pull.hpp"

using namespace skiff;
using engine::PullPolicy;

TEST_CASE("pull policy: Docker's three values, anything else names them", "[pull]") {
  CHECK(*engine::parse_pull_policy("always") == PullPolicy::always);
  CHECK(*engine::parse_pull_policy("missing") == PullPolicy::missing);
  CHECK(*engine::parse_pull_policy("never") == PullPolicy::never);
  for (std::string_view bad : {"", "Always", "true", "if-missing", "newer"}) {
    auto p = engine::parse_pull_policy(bad);
    REQUIRE_FALSE(p);
    CHECK(p.error().code == Errc::usage);
    CHECK(p.error().message ==
          fmt::format("invalid pull option: '{}': must be one of \"always\", \"missing\" or \"never\"", bad));
  }
}
