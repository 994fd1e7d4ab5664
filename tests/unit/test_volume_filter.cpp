#include <catch2/catch.hpp>

#include "skiff/engine/volume_filter.hpp"

using namespace skiff;
using namespace skiff::engine;

namespace {

const std::vector<std::string_view> kLs{"name", "driver", "label", "dangling"};

bool keeps(const std::vector<std::string> &words, const std::string &name,
           const std::map<std::string, std::string> &labels, bool in_use) {
  auto f = parse_volume_filter(words, {"name", "driver", "label", "label!", "dangling"});
  REQUIRE(f);
  return f->matches(name, "local", labels, in_use);
}

} // namespace

TEST_CASE("volume filter: keys and how their values combine", "[volume_filter]") {
  CHECK(keeps({}, "v", {}, true));
  CHECK(keeps({"name=^da"}, "data", {}, false));
  CHECK_FALSE(keeps({"name=^da"}, "olddata", {}, false));
  CHECK(keeps({"name=x", "name=data"}, "data", {}, false));  // any name
  CHECK(keeps({"driver=local"}, "v", {}, false));
  CHECK_FALSE(keeps({"driver=nfs"}, "v", {}, false));
  CHECK(keeps({"label=a", "label=b=2"}, "v", {{"a", "1"}, {"b", "2"}}, false));  // every label
  CHECK_FALSE(keeps({"label=a", "label=b=3"}, "v", {{"a", "1"}, {"b", "2"}}, false));
  CHECK_FALSE(keeps({"label!=a"}, "v", {{"a", "1"}}, false));
  CHECK(keeps({"label!=a=2"}, "v", {{"a", "1"}}, false));
  CHECK(keeps({"dangling=true"}, "v", {}, false));
  CHECK_FALSE(keeps({"dangling=1"}, "v", {}, true));
  CHECK(keeps({"dangling=false"}, "v", {}, true));
}

TEST_CASE("volume filter: unknown keys and bad values are errors", "[volume_filter]") {
  CHECK(parse_volume_filter({"label!=a"}, kLs).error().message == "invalid filter 'label!'");
  CHECK(parse_volume_filter({"dangling=maybe"}, kLs).error().message == "invalid filter 'dangling=maybe'");
  CHECK(parse_volume_filter({"name"}, kLs).error().message == "bad format of filter (expected name=value)");
}
