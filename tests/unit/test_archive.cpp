// What save writes: the tar writer (read back by libarchive) and the
// docker-archive and OCI layout documents.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "skiff/image/archive_layout.hpp"
#include "skiff/image/init_layer.hpp"
#include "skiff/image/tar_writer.hpp"
#include "skiff/util/digest.hpp"

using namespace skiff;
using namespace skiff::image;
using nlohmann::json;

namespace {

struct ReadEntry {
  std::string name, link, data;
  mode_t type = 0, perm = 0;
  int64_t uid = 0, size = 0, mtime = 0;
  bool hardlink = false;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

std::vector<ReadEntry> read_tar(const std::string &bytes) {
  archive *a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK);
  std::vector<ReadEntry> out;
  archive_entry *e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    ReadEntry r;
    r.name = archive_entry_pathname(e);
    r.type = archive_entry_filetype(e);
    r.perm = archive_entry_perm(e);
    r.uid = archive_entry_uid(e);
    r.size = archive_entry_size(e);
    r.mtime = archive_entry_mtime(e);
    if (const char *h = archive_entry_hardlink(e)) {
      r.hardlink = true;
      r.link = h;
    } else if (const char *s = archive_entry_symlink(e)) {
      r.link = s;
    }
    const char *k;
    const void *v;
    size_t n;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &k, &v, &n) == ARCHIVE_OK)
      r.xattrs.emplace_back(k, std::string(static_cast<const char *>(v), n));
    char buf[4096];
    la_ssize_t got;
    while ((got = archive_read_data(a, buf, sizeof buf)) > 0)
      r.data.append(buf, static_cast<size_t>(got));
    out.push_back(r);
  }
  archive_read_free(a);
  return out;
}

TarHeader hdr(std::string name, mode_t type = S_IFREG) {
  TarHeader h;
  h.name = std::move(name);
  h.type = type;
  h.perm = type == S_IFDIR ? 0755 : 0644;
  h.mtime = 1700000000;
  return h;
}

} // namespace

TEST_CASE("tar writer: ustar where it fits, pax where it does not", "[archive]") {
  std::string out;
  TarWriter w([&](const void *p, size_t n) -> Status {
    out.append(static_cast<const char *>(p), n);
    return {};
  });
  std::string mid = std::string(60, 'a') + "/" + std::string(60, 'b') + "/" + std::string(50, 'c');
  std::string longest = std::string(200, 'x') + "/" + std::string(120, 'y');
  REQUIRE(w.header(hdr("dir", S_IFDIR)));
  REQUIRE(w.add_file("dir/file", "content"));
  REQUIRE(w.add_file(mid, "split"));
  REQUIRE(w.add_file(longest, "pax path"));
  auto link = hdr("link", S_IFLNK);
  link.link = std::string(150, 't');
  REQUIRE(w.header(link));
  auto big = hdr("bigid");
  big.uid = 3000000;
  big.xattrs = {{"security.capability", std::string("\x01\x00\x00\x02", 4)}};
  REQUIRE(w.header(big));
  auto hard = hdr("hard");
  hard.hardlink = true;
  hard.link = "dir/file";
  REQUIRE(w.header(hard));
  auto fifo = hdr("fifo", S_IFIFO);
  REQUIRE(w.header(fifo));
  REQUIRE(w.close());
  CHECK(out.size() % 512 == 0);
  CHECK(out.substr(out.size() - 1024) == std::string(1024, '\0'));

  auto entries = read_tar(out);
  REQUIRE(entries.size() == 8);
  CHECK(entries[0].name == "dir/");
  CHECK(entries[0].type == AE_IFDIR);
  CHECK(entries[1].name == "dir/file");
  CHECK(entries[1].data == "content");
  CHECK(entries[0].mtime == 1700000000);
  CHECK(entries[1].perm == 0644);
  CHECK(entries[2].name == mid);
  CHECK(entries[2].data == "split");
  CHECK(entries[3].name == longest);
  CHECK(entries[3].data == "pax path");
  CHECK(entries[4].link == std::string(150, 't'));
  CHECK(entries[5].uid == 3000000);
  REQUIRE(entries[5].xattrs.size() == 1);
  CHECK(entries[5].xattrs[0].first == "security.capability");
  CHECK(entries[5].xattrs[0].second == std::string("\x01\x00\x00\x02", 4));
  CHECK(entries[6].hardlink);
  CHECK(entries[6].link == "dir/file");
  CHECK(entries[7].type == AE_IFIFO);
  // Only the entries ustar cannot hold get a pax header.
  CHECK(out.find("PaxHeaders.0/file") == std::string::npos);
  CHECK(out.find("PaxHeaders.0/" + std::string(80, 'y')) != std::string::npos);
}

TEST_CASE("tar writer: an entry must get exactly its size", "[archive]") {
  TarWriter w([](const void *, size_t) -> Status { return {}; });
  auto h = hdr("f");
  h.size = 4;
  REQUIRE(w.header(h));
  REQUIRE(w.data("ab", 2));
  CHECK_FALSE(w.data("cde", 3));
  CHECK_FALSE(w.close());
}

namespace {

SavedImage saved(const std::string &config, std::vector<std::string> names) {
  SavedImage s;
  s.config = config;
  s.config_digest = sha256_digest(config);
  s.diff_ids = {"sha256:" + std::string(64, '1'), "sha256:" + std::string(64, '2')};
  s.layer_sizes = {1024, 2048};
  s.names = std::move(names);
  return s;
}

} // namespace

TEST_CASE("archive layout: docker-archive manifest.json and repositories", "[archive]") {
  auto a = saved("{\"a\":1}", {"docker.io/library/busybox:latest", "localhost:5000/team/app:v1"});
  auto b = saved("{\"b\":2}", {});
  auto m = json::parse(docker_manifest_json({a, b}));
  REQUIRE(m.size() == 2);
  CHECK(m[0]["Config"] == (*digest_hex(a.config_digest)) + ".json");
  CHECK(m[0]["RepoTags"] == json({"busybox:latest", "localhost:5000/team/app:v1"}));
  CHECK(m[0]["Layers"] == json({std::string(64, '1') + ".tar", std::string(64, '2') + ".tar"}));
  CHECK(m[1]["RepoTags"].is_null());
  auto r = json::parse(docker_repositories_json({a, b}));
  CHECK(r == json::parse(R"({"busybox":{"latest":")" + std::string(64, '2') +
                         R"("},"localhost:5000/team/app":{"v1":")" + std::string(64, '2') + R"("}})"));
}

TEST_CASE("archive layout: OCI manifest and index", "[archive]") {
  auto a = saved("{\"a\":1}", {"docker.io/library/busybox:latest", "docker.io/library/busybox:1"});
  auto b = saved("{\"b\":2}", {});
  std::string ma = oci_manifest_json(a), mb = oci_manifest_json(b);
  auto m = json::parse(ma);
  CHECK(m["schemaVersion"] == 2);
  CHECK(m["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(m["config"]["digest"] == a.config_digest);
  CHECK(m["config"]["size"] == a.config.size());
  CHECK(m["layers"][1]["digest"] == a.diff_ids[1]);
  CHECK(m["layers"][1]["size"] == 2048);
  CHECK(m["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar");
  auto idx = json::parse(oci_index_json({a, b}, {ma, mb}));
  auto &e = idx["manifests"];
  REQUIRE(e.size() == 3);
  CHECK(e[0]["digest"] == sha256_digest(ma));
  CHECK(e[0]["size"] == ma.size());
  CHECK(e[0]["annotations"]["io.containerd.image.name"] == "docker.io/library/busybox:latest");
  CHECK(e[0]["annotations"]["org.opencontainers.image.ref.name"] == "latest");
  CHECK(e[1]["annotations"]["org.opencontainers.image.ref.name"] == "1");
  CHECK(e[2]["digest"] == sha256_digest(mb));
  CHECK_FALSE(e[2].contains("annotations"));
  CHECK(oci_blob_member(a.config_digest) == "blobs/sha256/" + (*digest_hex(a.config_digest)));
}

TEST_CASE("tree tar: Docker's init layer beneath the tree, the tree's entries winning", "[archive]") {
  char tmpl[] = "/tmp/skiff-treetar-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  std::string root = tmpl;
  REQUIRE(::mkdir((root + "/etc").c_str(), 0700) == 0);
  {
    FILE *f = std::fopen((root + "/etc/hosts").c_str(), "w");
    REQUIRE(f);
    std::fputs("127.0.0.1 localhost\n", f);
    std::fclose(f);
  }
  REQUIRE(::symlink("/elsewhere", (root + "/dev").c_str()) == 0);
  std::string bytes;
  TarWriter w([&](const void *p, size_t n) -> Status {
    bytes.append(static_cast<const char *>(p), n);
    return {};
  });
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(fd >= 0);
  REQUIRE(write_tree_tar(fd, w, docker_init_layer(1700000000)));
  ::close(fd);
  std::vector<std::string> names;
  std::map<std::string, ReadEntry> by_name;
  for (auto &e : read_tar(bytes)) {
    names.push_back(e.name);
    by_name[e.name] = e;
  }
  // In name order, merged level by level; under the tree's symlink /dev
  // nothing of the init layer's dev/ is written.
  CHECK(names == std::vector<std::string>{".dockerenv", "dev", "etc/", "etc/hostname", "etc/hosts", "etc/mtab",
                                          "etc/resolv.conf", "proc/", "sys/"});
  CHECK(by_name["etc/"].perm == 0700);  // the tree's
  CHECK(by_name["etc/hosts"].data == "127.0.0.1 localhost\n");
  CHECK(by_name["etc/hostname"].perm == 0755);
  CHECK(by_name["etc/hostname"].size == 0);
  CHECK(by_name["etc/hostname"].mtime == 1700000000);
  CHECK(by_name["etc/mtab"].link == "/proc/mounts");
  CHECK(by_name["dev"].link == "/elsewhere");
  CHECK(by_name["proc/"].type == AE_IFDIR);
  std::string rm = "rm -rf " + root;
  CHECK(std::system(rm.c_str()) == 0);
}
