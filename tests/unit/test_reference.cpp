// Image references normalised as Docker's distribution/reference does; a
// colon before the last '/' belongs to a registry's port, never a tag.
#include <catch2/catch.hpp>

#include "skiff/engine/image_filter.hpp"
#include "skiff/image/reference.hpp"

using namespace skiff;

namespace {

image::Reference parsed(std::string_view s) {
  auto r = image::parse_reference(s);
  REQUIRE(r);
  return *r;
}

} // namespace

TEST_CASE("reference: short names are docker.io/library, latest by default", "[reference]") {
  auto r = parsed("busybox");
  CHECK(r.domain == "docker.io");
  CHECK(r.path == "library/busybox");
  CHECK(r.tag == "latest");
  CHECK(r.full() == "docker.io/library/busybox:latest");
  CHECK(r.familiar() == "busybox:latest");
  CHECK(parsed("team/app:1").full() == "docker.io/team/app:1");
  CHECK(parsed("index.docker.io/library/busybox").familiar() == "busybox:latest");
}

TEST_CASE("reference: a port is not a tag", "[reference]") {
  auto r = parsed("127.0.0.1:5000/app");
  CHECK(r.domain == "127.0.0.1:5000");
  CHECK(r.path == "app");
  CHECK(r.tag == "latest");
  CHECK(r.familiar_repository() == "127.0.0.1:5000/app");

  r = parsed("127.0.0.1:5000/team/app:v2");
  CHECK(r.domain == "127.0.0.1:5000");
  CHECK(r.path == "team/app");
  CHECK(r.tag == "v2");

  r = parsed("localhost:5000/app@sha256:" + std::string(64, 'a'));
  CHECK(r.domain == "localhost:5000");
  CHECK(r.tag.empty());
  CHECK(r.full() == "localhost:5000/app@sha256:" + std::string(64, 'a'));

  // No '/' after it: Docker reads "localhost:5000" as image localhost, tag 5000.
  r = parsed("localhost:5000");
  CHECK(r.full() == "docker.io/library/localhost:5000");
}

TEST_CASE("reference: what is refused", "[reference]") {
  for (std::string_view bad : {"", "Busybox", "app:", "app:-x", "127.0.0.1:5000/", "a@sha256:12"})
    CHECK_FALSE(image::parse_reference(bad));
}

TEST_CASE("reference: repository paths of at most 255 characters, library/ included", "[reference]") {
  auto ok = [](const std::string &s) { return image::parse_reference(s).ok(); };
  CHECK(ok(std::string(247, 'a')));  // docker.io/library/aaa...: path of 255
  CHECK_FALSE(ok(std::string(248, 'a')));
  CHECK(ok("localhost:5000/" + std::string(255, 'a')));
  CHECK_FALSE(ok("localhost:5000/" + std::string(256, 'a') + ":1"));
  CHECK(image::parse_reference(std::string(248, 'a')).error().message ==
        "repository name must not be more than 255 characters");
}

// distribution/reference's words: ParseNormalizedNamed checks the
// repository (library/ added, up to the first ':') for upper case first.
TEST_CASE("reference: Docker's words for what is refused", "[reference]") {
  auto msg = [](const char *s) { return image::parse_reference(s).error().message; };
  CHECK(msg("INVALID::ref") == "invalid reference format: repository name (library/INVALID) must be lowercase");
  CHECK(msg("Upper") == "invalid reference format: repository name (library/Upper) must be lowercase");
  CHECK(msg("me/Upper:1") == "invalid reference format: repository name (me/Upper) must be lowercase");
  CHECK(msg("reg.example:5000/Up") == "invalid reference format: repository name (Up) must be lowercase");
  CHECK(msg("x:") == "invalid reference format");
  CHECK(msg("compat:bad:ref") == "invalid reference format");
  CHECK(msg("") == "invalid reference format");
}

TEST_CASE("reference: filters with a registry port match", "[reference][filter]") {
  auto r = parsed("127.0.0.1:5000/app:1");
  CHECK(*engine::reference_matches("127.0.0.1:5000/app", r));
  CHECK(*engine::reference_matches("127.0.0.1:5000/app:1", r));
  CHECK_FALSE(*engine::reference_matches("127.0.0.1:5000/app:2", r));
  CHECK(*engine::reference_matches("127.0.0.1:*/app", r));
  CHECK_FALSE(*engine::reference_matches("127.0.0.1:5000", r));
}

TEST_CASE("reference: whether a name carries its own tag or digest", "[reference]") {
  CHECK_FALSE(image::names_version("busybox"));
  CHECK(image::names_version("busybox:1"));
  CHECK_FALSE(image::names_version("127.0.0.1:5000/app"));
  CHECK(image::names_version("127.0.0.1:5000/app:2"));
  CHECK(image::names_version("app@sha256:" + std::string(64, 'a')));
}
