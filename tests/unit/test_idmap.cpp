#include <catch2/catch.hpp>

#include "skiff/runtime/idmap.hpp"

using namespace skiff::runtime;

namespace {

std::string text(const std::vector<IdMapping> &m) { return format_id_map(m); }

} // namespace

TEST_CASE("idmap: reading and writing /proc/PID/uid_map", "[idmap]") {
  auto m = parse_id_map("         0       1000          1\n         1     100000      65536\nbad\n");
  REQUIRE(m.size() == 2);
  CHECK(m[1] == IdMapping{1, 100000, 65536});
  CHECK(format_id_map(m) == "0 1000 1\n1 100000 65536\n");
}

TEST_CASE("idmap: keep-id with one subordinate range", "[idmap]") {
  auto parent = rootless_map(1000, {{100000, 65536}});
  CHECK(text(keep_id_map(1000, parent)) == "1000 0 1\n0 1 1000\n1001 1001 64536\n");
  CHECK(text(keep_id_map(0, parent)) == "0 0 1\n1 1 65536\n");
}

TEST_CASE("idmap: keep-id lines never straddle two ranges of the parent", "[idmap]") {
  // useradd's range plus one added line: our namespace has three lines.
  auto parent = rootless_map(1000, {{100000, 65536}, {300000, 1000}});
  CHECK(text(parent) == "0 1000 1\n1 100000 65536\n65537 300000 1000\n");
  CHECK(text(keep_id_map(1000, parent)) ==
        "1000 0 1\n0 1 1000\n1001 1001 64536\n65537 65537 1000\n");
  // The user's own ID inside the second range: the shifted block splits.
  CHECK(text(keep_id_map(65600, parent)) ==
        "65600 0 1\n0 1 65536\n65536 65537 64\n65601 65601 936\n");
}
