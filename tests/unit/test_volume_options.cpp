// Docker's local volume driver options: what volume create accepts and
// the mount each volume gets (engine/volume_options.hpp).
#include <sys/mount.h>

#include <catch2/catch.hpp>

#include "skiff/engine/volume_options.hpp"

using namespace skiff;
using engine::check_volume_options;
using engine::volume_mount;

namespace {

std::string refusal(const engine::VolumeOptions &o) {
  auto s = check_volume_options("v", o);
  return s ? "" : s.error().message;
}

} // namespace

TEST_CASE("volume options are checked as moby's local driver does", "[volume-options]") {
  CHECK(refusal({}).empty());
  CHECK(refusal({{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=100m,uid=1000"}}).empty());
  CHECK(refusal({{"type", "none"}, {"device", "/srv"}, {"o", "bind"}}).empty());
  CHECK(refusal({{"type", ""}, {"device", ""}}).empty());
  CHECK(refusal({{"size", "0"}}).empty());
  CHECK(refusal({{"bogus", "1"}}) == "create v: invalid option: \"bogus\"");
  CHECK(refusal({{"type", "tmpfs"}}) == "create v: missing required option: \"device\"");
  CHECK(refusal({{"o", "size=1m"}}) == "create v: missing required option: \"device\"");
  CHECK(refusal({{"o", "size=1m"}, {"type", "tmpfs"}}) == "create v: missing required option: \"device\"");
  CHECK(refusal({{"device", "/tmp"}}) == "create v: missing required option: \"type\"");
  CHECK(refusal({{"device", "/tmp"}, {"o", "bind"}}) == "create v: missing required option: \"type\"");
  CHECK(refusal({{"size", "abc"}}) == "create v: invalid size: 'abc'");
  CHECK(refusal({{"size", "10m"}}) == "create v: quota size requested but no quota support");
  CHECK(refusal({{"type", "cifs"}, {"device", "//host/share"}}).empty());
  CHECK(refusal({{"type", "cifs"}, {"device", "//host:445/share"}}) ==
        "create v: port not allowed in CIFS device URL, include 'port' in 'o='");
  CHECK(refusal({{"type", "cifs"}, {"device", "cifs://host:445/share"}}) ==
        "create v: port not allowed in CIFS device URL, include 'port' in 'o='");
}

TEST_CASE("only the local volume driver exists", "[volume-options]") {
  CHECK(engine::check_volume_driver("v", "local"));
  CHECK(engine::check_volume_driver("v", ""));
  auto s = engine::check_volume_driver("v", "foo");
  REQUIRE(!s);
  CHECK(s.error().message == "create v: error looking up volume plugin foo: plugin \"foo\" not found");
}

TEST_CASE("a volume's o= splits into mount flags and data as moby/sys/mount does", "[volume-options]") {
  auto none = volume_mount({});
  REQUIRE(none);
  CHECK(!*none);
  CHECK(!*volume_mount({{"type", ""}, {"device", ""}}));
  CHECK(!volume_mount({{"type", "tmpfs"}, {"device", ""}}));

  auto t = volume_mount({{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=100m,uid=1000,noexec"}});
  REQUIRE((t && *t));
  CHECK((*t)->device == "tmpfs");
  CHECK((*t)->type == "tmpfs");
  CHECK((*t)->flags == MS_NOEXEC);
  CHECK((*t)->data == "size=100m,uid=1000");
  CHECK((*t)->propagation == 0);

  auto b = volume_mount({{"type", "none"}, {"device", "/srv"}, {"o", "bind,ro,rshared"}});
  REQUIRE((b && *b));
  CHECK((*b)->flags == (MS_BIND | MS_RDONLY | MS_REC));
  CHECK((*b)->propagation == (MS_SHARED | MS_REC));
  CHECK((*b)->data.empty());
  CHECK((*b)->remount_readonly);

  auto cleared = volume_mount({{"type", "ext4"}, {"device", "/dev/x"}, {"o", "ro,rw,nosuid,suid,noatime"}});
  REQUIRE((cleared && *cleared));
  CHECK((*cleared)->flags == MS_NOATIME);
}

TEST_CASE("what survives its mount and Docker's mount error words", "[volume-options]") {
  CHECK(!engine::keeps_content_unmounted("tmpfs"));
  CHECK(!engine::keeps_content_unmounted("ramfs"));
  CHECK(engine::keeps_content_unmounted("none"));
  CHECK(engine::keeps_content_unmounted("ext4"));
  auto b = volume_mount({{"type", "none"}, {"device", "/nonexistent"}, {"o", "bind"}});
  CHECK(engine::volume_mount_error(**b, "/v/_data", ENOENT) ==
        "error while mounting volume '/v/_data': failed to mount local volume: mount /nonexistent:/v/_data, "
        "flags: 0x1000: no such file or directory");
  auto c = volume_mount({{"type", "cifs"}, {"device", "//h/s"}, {"o", "username=u,password=secret"}});
  CHECK(engine::volume_mount_error(**c, "/v/_data", EPERM) ==
        "error while mounting volume '/v/_data': failed to mount local volume: mount //h/s:/v/_data, data: "
        "username=u,password=********: operation not permitted");
}
