// Layer drivers: their names (read once, written once) and what each
// driver's containers are made of.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "skiff/storage/container_config.hpp"
#include "skiff/storage/layer_driver.hpp"

using namespace skiff;
using namespace skiff::storage;

TEST_CASE("driver names: each kind's name parses back to it", "[layer_driver]") {
  for (auto kind : {DriverKind::overlay, DriverKind::fuse_overlayfs, DriverKind::vfs}) {
    CHECK(layer_driver(kind).kind == kind);
    auto parsed = parse_driver(driver_name(kind));
    REQUIRE(parsed);
    CHECK(*parsed == kind);
  }
  CHECK(driver_name(DriverKind::overlay) == "overlay");
  CHECK(driver_name(DriverKind::fuse_overlayfs) == "fuse-overlayfs");
  CHECK(driver_name(DriverKind::vfs) == "vfs");
}

TEST_CASE("driver names: an unknown name is an error listing the drivers", "[layer_driver]") {
  for (const char *bad : {"bogus", "", "Overlay", "fuse_overlayfs", "overlay2", "vfs "}) {
    auto r = parse_driver(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid);
    CHECK(r.error().message ==
          "unknown storage driver \"" + std::string(bad) + "\": use overlay, fuse-overlayfs or vfs");
  }
}

TEST_CASE("drivers: vfs copies the root, the overlay drivers stack the layers", "[layer_driver]") {
  CHECK(layer_driver(DriverKind::vfs).copies_root);
  CHECK_FALSE(layer_driver(DriverKind::overlay).copies_root);
  CHECK_FALSE(layer_driver(DriverKind::fuse_overlayfs).copies_root);
}

TEST_CASE("config.json: the container's driver by name, none when it was not recorded", "[layer_driver]") {
  ContainerConfig c;
  c.id = "c0ffee";
  c.name = "x";
  c.storage_driver = DriverKind::fuse_overlayfs;
  auto j = c.to_json();
  CHECK(j["storage_driver"] == "fuse-overlayfs");
  auto back = ContainerConfig::parse(j.dump(), "config.json");
  REQUIRE(back);
  CHECK(back->storage_driver == DriverKind::fuse_overlayfs);

  j.erase("storage_driver");
  back = ContainerConfig::parse(j.dump(), "config.json");
  REQUIRE(back);
  CHECK_FALSE(back->storage_driver);
  c.storage_driver.reset();
  CHECK(c.to_json()["storage_driver"] == "");

  j["storage_driver"] = "zfs";
  back = ContainerConfig::parse(j.dump(), "config.json");
  REQUIRE_FALSE(back);
  CHECK(back.error().message ==
        "config.json: storage_driver: unknown storage driver \"zfs\": use overlay, fuse-overlayfs or vfs");
}
