// "-u user[:group]" resolved against a container's /etc/passwd and
// /etc/group as Docker resolves it, supplementary groups included.
#include <catch2/catch.hpp>

#include "skiff/runtime/user.hpp"

using skiff::runtime::resolve_user;

namespace {

// Alpine's files, where Docker's `id` shows root in eleven groups.
const char *kPasswd = "root:x:0:0:root:/root:/bin/ash\n"
                      "daemon:x:2:2:daemon:/sbin:/sbin/nologin\n"
                      "app:x:1000:1000:app:/home/app:/bin/sh\n";
const char *kGroup = "root:x:0:root\n"
                     "bin:x:1:root,bin,daemon\n"
                     "daemon:x:2:root,bin,daemon\n"
                     "sys:x:3:root,bin,adm\n"
                     "adm:x:4:root,adm,daemon\n"
                     "tty:x:5:\n"
                     "disk:x:6:root,adm\n"
                     "wheel:x:10:root\n"
                     "floppy:x:11:root\n"
                     "dialout:x:20:root\n"
                     "tape:x:26:root\n"
                     "video:x:27:root\n"
                     "staff:x:50:app\n"
                     "app:x:1000:\n";

std::vector<gid_t> groups_of(const char *spec) {
  auto u = resolve_user(spec, kPasswd, kGroup);
  REQUIRE(u);
  return u->groups;
}

} // namespace

TEST_CASE("resolve_user: root gets its primary group and every group listing it", "[user]") {
  std::vector<gid_t> want{0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27};
  CHECK(groups_of("") == want);
  CHECK(groups_of("root") == want);
  CHECK(groups_of("0") == want);
}

TEST_CASE("resolve_user: a named user gets its primary group first among its groups", "[user]") {
  auto u = resolve_user("app", kPasswd, kGroup);
  REQUIRE(u);
  CHECK(u->uid == 1000);
  CHECK(u->gid == 1000);
  CHECK(u->home == "/home/app");
  CHECK(u->groups == std::vector<gid_t>{50, 1000});
}

TEST_CASE("resolve_user: a uid without an entry runs in group 0 only", "[user]") {
  auto u = resolve_user("4242", kPasswd, kGroup);
  REQUIRE(u);
  CHECK(u->uid == 4242);
  CHECK(u->gid == 0);
  CHECK(u->groups == std::vector<gid_t>{0});
}

TEST_CASE("resolve_user: an explicit group replaces the supplementary groups", "[user]") {
  CHECK(groups_of("root:tty") == std::vector<gid_t>{5});
  CHECK(groups_of("app:4343") == std::vector<gid_t>{4343});
}

TEST_CASE("resolve_user: unknown names are Docker's errors", "[user]") {
  auto u = resolve_user("nobody", kPasswd, kGroup);
  REQUIRE_FALSE(u);
  CHECK(u.error().message == "unable to find user nobody: no matching entries in passwd file");
  auto g = resolve_user("app:nogroup", kPasswd, kGroup);
  REQUIRE_FALSE(g);
  CHECK(g.error().message == "unable to find group nogroup: no matching entries in group file");
}

TEST_CASE("resolve_user: --group-add joins groups by name or ID, any ID without an entry", "[user]") {
  auto u = resolve_user("app:app", kPasswd, kGroup, {"tty", "26", "4242", "0"});
  REQUIRE(u);
  CHECK(u->gid == 1000);
  CHECK(u->groups == std::vector<gid_t>{0, 5, 26, 1000, 4242});
  u = resolve_user("app", kPasswd, kGroup, {"wheel"});
  REQUIRE(u);
  CHECK(u->groups == std::vector<gid_t>{10, 50, 1000});
}

TEST_CASE("resolve_user: --group-add of an unknown name or an ID out of range fails as runc does", "[user]") {
  auto u = resolve_user("", kPasswd, kGroup, {"nosuch"});
  REQUIRE(!u);
  CHECK(u.error().message == "Unable to find group nosuch: no matching entries in group file");
  u = resolve_user("", kPasswd, kGroup, {"2147483648"});
  REQUIRE(!u);
  CHECK(u.error().message == "uids and gids must be in range 0-2147483647");
}
