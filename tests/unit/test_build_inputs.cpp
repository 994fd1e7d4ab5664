// What a build takes in besides its context directory: context archives
// (extracted with no entry outside), ADD's URL names and checksums,
// HTTP dates, ONBUILD triggers, --add-host values and hosts files.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../../src/build/add_url.hpp"
#include "../../src/build/context_archive.hpp"
#include "../../src/build/onbuild.hpp"
#include "scratch.hpp"
#include "skiff/build/build.hpp"
#include "skiff/network/files.hpp"
#include "skiff/spec/merge.hpp"
#include "skiff/util/timefmt.hpp"

using namespace skiff;

namespace {

struct TarEntry {
  std::string name;
  mode_t type = AE_IFREG;
  std::string data;  // contents, or a link's target
  mode_t perm = 0644;
};

std::string make_tar(const std::vector<TarEntry> &entries, bool gzip = false) {
  std::string out;
  archive *a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip)
    archive_write_add_filter_gzip(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr,
                     [](archive *, void *d, const void *buf, size_t n) -> la_ssize_t {
                       static_cast<std::string *>(d)->append(static_cast<const char *>(buf), n);
                       return static_cast<la_ssize_t>(n);
                     },
                     nullptr);
  for (const auto &t : entries) {
    archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, t.name.c_str());
    archive_entry_set_filetype(e, t.type);
    archive_entry_set_perm(e, t.perm);
    archive_entry_set_mtime(e, 1600000000, 0);
    if (t.type == AE_IFLNK)
      archive_entry_set_symlink(e, t.data.c_str());
    if (t.type == AE_IFREG)
      archive_entry_set_size(e, static_cast<la_int64_t>(t.data.size()));
    archive_write_header(a, e);
    if (t.type == AE_IFREG)
      archive_write_data(a, t.data.data(), t.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// Extracts `tar` given whole as the head, as stdin's first bytes would be.
Status extract(const std::string &tar, const test::TempDir &dir) {
  auto empty = test::memfd("");
  return build::extract_context(tar, empty.get(), dir.fd.get());
}

std::string read(const std::string &path) { return fs::read_file(path).value_or("<missing>"); }

} // namespace

TEST_CASE("context archives are told by their first bytes") {
  std::string tar = make_tar({{"Dockerfile", AE_IFREG, "FROM scratch\n"}});
  CHECK(build::is_context_archive(tar.substr(0, 512)));
  CHECK(build::is_context_archive(make_tar({{"a", AE_IFREG, "x"}}, true)));
  CHECK(build::is_context_archive("BZh91AY"));
  CHECK(build::is_context_archive("\xfd" "7zXZ\0"));
  CHECK(build::is_context_archive("\x28\xb5\x2f\xfd"));
  CHECK_FALSE(build::is_context_archive("FROM busybox\nRUN true\n"));
  CHECK_FALSE(build::is_context_archive(""));
}

TEST_CASE("a context archive is extracted with modes and times, a piece at a time") {
  test::TempDir dir;
  std::string tar = make_tar({{"./sub/", AE_IFDIR, "", 0750},
                              {"sub/run.sh", AE_IFREG, "#!/bin/sh\n", 0755},
                              {"/abs.txt", AE_IFREG, "abs"},
                              {"link", AE_IFLNK, "sub/run.sh", 0777}},
                             true);
  // The head, then the rest from the fd, as the CLI hands stdin over.
  auto rest = test::memfd(tar.substr(10));
  REQUIRE(build::extract_context(tar.substr(0, 10), rest.get(), dir.fd.get()));
  CHECK(read(dir.path + "/sub/run.sh") == "#!/bin/sh\n");
  CHECK(read(dir.path + "/abs.txt") == "abs");
  struct stat st;
  REQUIRE(::stat((dir.path + "/sub/run.sh").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0755);
  CHECK(st.st_mtime == 1600000000);
  REQUIRE(::stat((dir.path + "/sub").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0750);
  CHECK(st.st_mtime == 1600000000);
  char target[64] = {};
  REQUIRE(::readlink((dir.path + "/link").c_str(), target, sizeof target - 1) > 0);
  CHECK(std::string(target) == "sub/run.sh");
}

TEST_CASE("no context archive entry lands outside the directory") {
  test::TempDir outside, dir;
  SECTION("a name that climbs out fails the extraction") {
    auto s = extract(make_tar({{"a/../../evil", AE_IFREG, "x"}}), dir);
    REQUIRE_FALSE(s);
    CHECK(s.error().message == "invalid build context: \"a/../../evil\" is outside of the context");
  }
  SECTION("a file written through a symlink stays inside") {
    REQUIRE(extract(make_tar({{"out", AE_IFLNK, outside.path}, {"out/x", AE_IFREG, "in"}}), dir));
    CHECK(fs::dir_empty(outside.path));
    CHECK(read(dir.path + outside.path + "/x") == "in");
  }
  SECTION("a hardlink names its target inside the directory") {
    archive *a = archive_write_new();
    std::string tar;
    archive_write_set_format_pax_restricted(a);
    archive_write_open(a, &tar, nullptr,
                       [](archive *, void *d, const void *buf, size_t n) -> la_ssize_t {
                         static_cast<std::string *>(d)->append(static_cast<const char *>(buf), n);
                         return static_cast<la_ssize_t>(n);
                       },
                       nullptr);
    archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "h");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_hardlink(e, "../../etc/passwd");
    archive_write_header(a, e);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    auto s = extract(tar, dir);
    REQUIRE_FALSE(s);
    CHECK(s.error().message.starts_with("invalid build context: \"../../etc/passwd\""));
  }
  SECTION("a later entry replaces an earlier one of the same name") {
    REQUIRE(extract(make_tar({{"f", AE_IFREG, "one"}, {"f", AE_IFLNK, "/etc/passwd"}, {"f", AE_IFREG, "two"}}), dir));
    CHECK(read(dir.path + "/f") == "two");
  }
}

TEST_CASE("ADD's URL sources: names, kinds and checksums as BuildKit's") {
  CHECK(build::url_file_name("https://example.com/a/b/tool.tgz?x=1#f") == "tool.tgz");
  CHECK(build::url_file_name("https://example.com/a/dir/") == "dir");
  CHECK(build::url_file_name("https://example.com/") == "__unnamed__");
  CHECK(build::url_file_name("https://example.com") == "__unnamed__");
  CHECK(build::is_http_source("http://x/y"));
  CHECK_FALSE(build::is_http_source("ftp://x/y"));
  CHECK(build::is_git_source("git@github.com:moby/buildkit.git"));
  CHECK(build::is_git_source("https://github.com/moby/buildkit.git"));
  CHECK(build::is_git_source("https://github.com/moby/buildkit.git#v0.12"));
  CHECK_FALSE(build::is_git_source("https://github.com/moby/buildkit/archive/v0.12.tar.gz"));
  CHECK(build::check_checksum("sha256:" + std::string(64, 'a')));
  CHECK(build::check_checksum("sha512:00").error().message == "unsupported digest algorithm");
  CHECK(build::check_checksum("abc").error().message == "invalid checksum digest format");
  CHECK_FALSE(build::check_checksum("sha256:abc"));
}

TEST_CASE("HTTP dates in Go's three forms") {
  CHECK(timefmt::parse_http_date("Thu, 04 Mar 2021 05:06:07 GMT") == 1614834367);
  CHECK(timefmt::parse_http_date("Thursday, 04-Mar-21 05:06:07 GMT") == 1614834367);
  CHECK(timefmt::parse_http_date("Thu Mar  4 05:06:07 2021") == 1614834367);
  CHECK_FALSE(timefmt::parse_http_date("yesterday"));
  CHECK_FALSE(timefmt::parse_http_date(""));
}

TEST_CASE("ONBUILD triggers are parsed in order and cleared from the config") {
  image::ImageConfig c;
  c.config_extra = std::make_shared<const nlohmann::json>(
      nlohmann::json{{"OnBuild", {"COPY a /a", "RUN echo hi"}}, {"Shell", {"/bin/sh", "-c"}}});
  auto t = build::take_onbuild_triggers(c);
  REQUIRE(t);
  REQUIRE(t->size() == 2);
  CHECK((*t)[0].keyword == "COPY");
  CHECK((*t)[1].original == "RUN echo hi");
  CHECK_FALSE(c.config_extra->contains("OnBuild"));
  CHECK(c.config_extra->contains("Shell"));
  auto none = build::take_onbuild_triggers(c);
  REQUIRE(none);
  CHECK(none->empty());
  c.config_extra = std::make_shared<const nlohmann::json>(nlohmann::json{{"OnBuild", {"MAINTAINER me"}}});
  CHECK(build::take_onbuild_triggers(c).error().message == "MAINTAINER isn't allowed as an ONBUILD trigger");
}

TEST_CASE("--add-host values as docker/cli checks them, and the hosts file") {
  CHECK(*spec::extra_host("db:10.0.0.2") == "db:10.0.0.2");
  CHECK(*spec::extra_host("db=10.0.0.2") == "db:10.0.0.2");
  CHECK(*spec::extra_host("v6=[fd00::1]") == "v6:fd00::1");
  CHECK(*spec::extra_host("v6:fd00::1") == "v6:fd00::1");
  CHECK(spec::extra_host("db").error().message == "bad format for add-host: \"db\"");
  CHECK(spec::extra_host(":1.2.3.4").error().message == "bad format for add-host: \":1.2.3.4\"");
  CHECK(spec::extra_host("db:1.2.3").error().message == "invalid IP address in add-host: \"1.2.3\"");
  std::string hosts = network::hosts_file("box", "10.0.2.100", {"db:10.0.0.2"});
  CHECK(hosts.ends_with("ff02::2\tip6-allrouters\n10.0.0.2\tdb\n10.0.2.100\tbox\n"));
}
