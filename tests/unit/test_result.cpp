#include <catch2/catch.hpp>

#include "skiff/util/result.hpp"

using namespace skiff;

static Result<int> half(int x) {
  if (x % 2)
    return make_error(Errc::invalid, "{} is odd", x);
  return x / 2;
}

static Result<int> quarter(int x) {
  int h = TRY(half(x));
  return TRY(half(h));
}

TEST_CASE("TRY propagates the first error with its message") {
  REQUIRE(*quarter(8) == 2);
  auto r = quarter(6);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "3 is odd");
  CHECK(r.error().code == Errc::invalid);
}
