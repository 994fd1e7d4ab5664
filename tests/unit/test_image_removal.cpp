#include <catch2/catch.hpp>

#include "skiff/engine/image_removal.hpp"

using namespace skiff;
using namespace skiff::engine;

namespace {

const std::string kImage = "379c3bb4ecb6dd3577792415f48b1e7e8dd9ee3ccf33ef1d772ad41e3b11f592";
const std::string kCtr = "6ff84c6f5ec7aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

ImageRemovalInput input(bool by_name, size_t names, std::vector<ImageUser> users, bool force) {
  return {by_name ? "app:2" : kImage.substr(0, 12), by_name, names, kImage, std::move(users), force};
}

std::string refusal(const ImageRemovalInput &in) {
  auto r = plan_image_removal(in);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::conflict);
  return r.error().message;
}

} // namespace

TEST_CASE("rmi by name: untag one of several names, else Docker's rules for users", "[image_removal]") {
  CHECK(*plan_image_removal(input(true, 2, {{kCtr, true}}, false)) == ImageRemoval::untag);
  CHECK(*plan_image_removal(input(true, 1, {}, false)) == ImageRemoval::remove);
  CHECK(refusal(input(true, 1, {{kCtr, false}}, false)) ==
        "conflict: unable to remove repository reference \"app:2\" (must force) - container "
        "6ff84c6f5ec7 is using its referenced image 379c3bb4ecb6");
  CHECK(refusal(input(true, 1, {{kCtr, true}}, false)).starts_with("conflict: unable to remove repository"));
  // Forced: a stopped user keeps the layers, the image goes; a running
  // one keeps the image, untagged.
  CHECK(*plan_image_removal(input(true, 1, {{kCtr, false}}, true)) == ImageRemoval::remove);
  CHECK(*plan_image_removal(input(true, 1, {{"b", false}, {kCtr, true}}, true)) == ImageRemoval::untag);
}

TEST_CASE("rmi by ID: running users always refuse, stopped ones and names without -f", "[image_removal]") {
  CHECK(refusal(input(false, 1, {{kCtr, true}}, true)) ==
        "conflict: unable to delete 379c3bb4ecb6 (cannot be forced) - image is being used by running "
        "container 6ff84c6f5ec7");
  CHECK(refusal(input(false, 1, {{kCtr, false}}, false)) ==
        "conflict: unable to delete 379c3bb4ecb6 (must be forced) - image is being used by stopped "
        "container 6ff84c6f5ec7");
  CHECK(refusal(input(false, 2, {}, false)) ==
        "conflict: unable to delete 379c3bb4ecb6 (must be forced) - image is referenced in multiple "
        "repositories");
  CHECK(*plan_image_removal(input(false, 2, {{kCtr, false}}, true)) == ImageRemoval::remove);
  CHECK(*plan_image_removal(input(false, 0, {}, false)) == ImageRemoval::remove);
}
