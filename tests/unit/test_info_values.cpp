#include <catch2/catch.hpp>

#include "skiff/engine/build_info.hpp"
#include "skiff/engine/info.hpp"

using namespace skiff::engine;

TEST_CASE("os-release: PRETTY_NAME and VERSION_ID as the shell reads them", "[info]") {
  auto r = parse_os_release("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
                            "VERSION_ID=\"12\"\nID=debian\n");
  CHECK(r.pretty_name == "Debian GNU/Linux 12 (bookworm)");
  CHECK(r.version_id == "12");
  r = parse_os_release("# comment\nPRETTY_NAME='Alpine Linux v3.19'\nVERSION_ID=3.19.1\n");
  CHECK(r.pretty_name == "Alpine Linux v3.19");
  CHECK(r.version_id == "3.19.1");
  r = parse_os_release("PRETTY_NAME=\"say \\\"hi\\\"\"\n");
  CHECK(r.pretty_name == "say \"hi\"");
  // os-release(5): PRETTY_NAME defaults to "Linux".
  CHECK(parse_os_release("").pretty_name == "Linux");
  CHECK(parse_os_release("PRETTY_NAME=\n").pretty_name == "Linux");
}

TEST_CASE("backing filesystems by statfs magic, with moby's names", "[info]") {
  CHECK(backing_fs_name(0xEF53) == "extfs");
  CHECK(backing_fs_name(0x58465342) == "xfs");
  CHECK(backing_fs_name(0x9123683E) == "btrfs");
  CHECK(backing_fs_name(0x01021994) == "tmpfs");
  CHECK(backing_fs_name(0x12345) == "<unknown>");
}

TEST_CASE("proxy URLs keep their credentials out of info", "[info]") {
  CHECK(mask_proxy_credentials("http://user:secret@proxy:3128") == "http://xxxxx:xxxxx@proxy:3128");
  CHECK(mask_proxy_credentials("http://proxy:3128/a@b") == "http://proxy:3128/a@b");
  CHECK(mask_proxy_credentials("proxy:3128") == "proxy:3128");
}

TEST_CASE("security options and rootless warnings in Docker's words", "[info]") {
  CHECK(security_options(false) == std::vector<std::string>{"name=seccomp,profile=builtin", "name=cgroupns"});
  CHECK(security_options(true) ==
        std::vector<std::string>{"name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"});
  CHECK(info_warnings(false, false, "1").empty());
  CHECK(info_warnings(true, true, "2").empty());
  REQUIRE(info_warnings(true, false, "1").size() == 1);
  CHECK(info_warnings(true, false, "1")[0] ==
        "WARNING: Running in rootless-mode without cgroups. To enable cgroups in rootless-mode, you "
        "need to boot the system in cgroup v2 mode.");
  CHECK(info_warnings(true, false, "2")[0].ends_with("Systemd is required to enable cgroups in rootless-mode."));
}

TEST_CASE("build times in the Engine API's and the CLI's spellings", "[info]") {
  // 2026-05-07 21:09:36 UTC
  CHECK(api_build_time(1778188176) == "2026-05-07T21:09:36.000000000+00:00");
  CHECK(ansic_time(1778188176) == "Thu May  7 21:09:36 2026");
  CHECK(ansic_time(0).empty());
}
