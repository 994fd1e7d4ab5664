// Layer and image-archive extraction: content, metadata, whiteouts, digests,
// and every way a hostile tar tries to write outside the destination.
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include "skiff/image/layer.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "scratch.hpp"

using namespace skiff;
using namespace skiff::image;
using skiff::test::memfd;

namespace {

struct Entry {
  std::string name;
  mode_t type = AE_IFREG;
  std::string data;
  std::string link; // symlink or hardlink target
  mode_t perm = 0644;
  bool hardlink = false;
  int64_t uid = 0, gid = 0;
  time_t mtime = 1600000000;
  unsigned rmajor = 0, rminor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

Entry dir(std::string n, mode_t perm = 0755) { return {n, AE_IFDIR, "", "", perm}; }
Entry file(std::string n, std::string data, mode_t perm = 0644) {
  return {n, AE_IFREG, data, "", perm};
}
Entry sym(std::string n, std::string target) { return {n, AE_IFLNK, "", target, 0777}; }
Entry hard(std::string n, std::string target) {
  Entry e{n, AE_IFREG, "", target};
  e.hardlink = true;
  return e;
}

enum class Filter { none, gzip, zstd };

la_ssize_t append_cb(archive *, void *out, const void *buf, size_t n) {
  static_cast<std::string *>(out)->append(static_cast<const char *>(buf), n);
  return static_cast<la_ssize_t>(n);
}

std::string make_tar(const std::vector<Entry> &entries, Filter f = Filter::none) {
  std::string out;
  archive *a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (f == Filter::gzip)
    archive_write_add_filter_gzip(a);
  else if (f == Filter::zstd)
    archive_write_add_filter_zstd(a);
  archive_write_set_bytes_in_last_block(a, 1);
  REQUIRE(archive_write_open(a, &out, nullptr, append_cb, nullptr) == ARCHIVE_OK);
  for (auto &e : entries) {
    archive_entry *ae = archive_entry_new();
    archive_entry_set_pathname(ae, e.name.c_str());
    archive_entry_set_filetype(ae, e.type);
    archive_entry_set_perm(ae, e.perm);
    archive_entry_set_uid(ae, e.uid);
    archive_entry_set_gid(ae, e.gid);
    archive_entry_set_mtime(ae, e.mtime, 0);
    if (e.hardlink)
      archive_entry_set_hardlink(ae, e.link.c_str());
    else if (e.type == AE_IFLNK)
      archive_entry_set_symlink(ae, e.link.c_str());
    if (e.type == AE_IFCHR || e.type == AE_IFBLK) {
      archive_entry_set_rdevmajor(ae, e.rmajor);
      archive_entry_set_rdevminor(ae, e.rminor);
    }
    for (auto &[k, v] : e.xattrs)
      archive_entry_xattr_add_entry(ae, k.c_str(), v.data(), v.size());
    archive_entry_set_size(ae, e.type == AE_IFREG && !e.hardlink
                                   ? static_cast<la_int64_t>(e.data.size())
                                   : 0);
    REQUIRE(archive_write_header(a, ae) == ARCHIVE_OK);
    if (!e.data.empty())
      archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(ae);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

struct TempDir {
  std::string path;
  UniqueFd fd;
  TempDir() {
    char tmpl[] = "/tmp/skiff-layer-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    path = tmpl;
    fd.reset(::open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  ~TempDir() { (void)fs::remove_all(path); }
  std::string operator/(const std::string &rel) const { return path + "/" + rel; }
};

Result<LayerInfo> apply_to(const TempDir &d, const std::string &bytes, LayerApplyOptions o = {}) {
  auto fd = memfd(bytes);
  return apply_layer(fd.get(), d.fd.get(), o);
}

std::string read_all(const std::string &path) { return fs::read_file(path).value_or("<missing>"); }

struct stat lstat_of(const std::string &path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

std::string read_link(const std::string &path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

std::string xattr(const std::string &path, const char *key) {
  char buf[256];
  ssize_t n = ::lgetxattr(path.c_str(), key, buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

// Refused, with the offending entry named in the message.
void require_refused(const std::vector<Entry> &entries, const std::string &needle) {
  TempDir d;
  auto r = apply_to(d, make_tar(entries));
  REQUIRE_FALSE(r);
  INFO(r.error().message);
  CHECK(r.error().message.find(needle) != std::string::npos);
}

// Root with every id mapped: chown to any id, real devices, trusted.* xattrs.
bool full_root() {
  auto map = fs::read_file("/proc/self/uid_map");
  return ::geteuid() == 0 && map && map->find("4294967295") != std::string::npos;
}
const bool is_root = full_root();

#define REQUIRE_OK(expr)                                                       \
  do {                                                                         \
    auto &&ok_r_ = (expr);                                                     \
    INFO((ok_r_ ? std::string() : ok_r_.error().message));                     \
    REQUIRE(ok_r_);                                                            \
  } while (0)

} // namespace

TEST_CASE("layer: files, dirs, links and metadata", "[layer]") {
  TempDir d;
  Entry owned = file("a/owned", "x", 0600);
  owned.uid = 1234;
  owned.gid = 5678;
  Entry suid = file("a/suid", "s", 04755);
  Entry fifo{"a/fifo", AE_IFIFO, "", "", 0640};
  Entry tagged = file("a/tagged", "t");
  tagged.xattrs = {{"user.skiff", "v"}, {"trusted.overlay.redirect", "/elsewhere"}};
  if (!is_root)
    owned.uid = owned.gid = 0;
  Entry a = dir("a/", 0750);
  a.xattrs = {{"user.dir", "d"}};
  auto tar = make_tar({a, file("a/f", "hello", 0640), suid, owned,
                       sym("a/l", "f"), hard("a/h", "a/f"), fifo, tagged,
                       file("/abs/x", "abs")});
  auto r = apply_to(d, tar);
  REQUIRE_OK(r);
  CHECK(read_all(d / "a/f") == "hello");
  CHECK((lstat_of(d / "a/f").st_mode & 07777) == 0640);
  CHECK((lstat_of(d / "a/suid").st_mode & 07777) == 04755);
  CHECK((lstat_of(d / "a").st_mode & 07777) == 0750);
  // Directory times are set after the files inside were written.
  CHECK(lstat_of(d / "a").st_mtime == 1600000000);
  CHECK(lstat_of(d / "a/f").st_mtime == 1600000000);
  CHECK(read_link(d / "a/l") == "f");
  CHECK(lstat_of(d / "a/h").st_nlink == 2);
  CHECK(lstat_of(d / "a/h").st_ino == lstat_of(d / "a/f").st_ino);
  CHECK(S_ISFIFO(lstat_of(d / "a/fifo").st_mode));
  CHECK(xattr(d / "a/tagged", "user.skiff") == "v");
  CHECK(xattr(d / "a", "user.dir") == "d");
  CHECK(read_all(d / "abs/x") == "abs");
  if (is_root) {
    CHECK(lstat_of(d / "a/owned").st_uid == 1234);
    CHECK(lstat_of(d / "a/owned").st_gid == 5678);
    // Overlay metadata is never taken from the tar.
    CHECK(xattr(d / "a/tagged", "trusted.overlay.redirect").empty());
  }
  CHECK(r->size == 5 + 1 + 1 + 1 + 3);
  CHECK(r->compression == Compression::none);
  CHECK(r->compressed_size == tar.size());
  CHECK(r->digest == sha256_digest(tar));
  CHECK(r->diff_id == r->digest);
}

TEST_CASE("layer: modes the umask would strip, set-ID bits, a set-group-ID directory", "[layer]") {
  TempDir d;
  mode_t old = ::umask(027);
  Entry group_dir = dir("g/", 02775);
  Entry in_g = file("g/f", "x", 0664);
  Entry other_group = file("o", "o", 0644);
  other_group.gid = 4321;
  if (!is_root)
    group_dir.gid = in_g.gid = other_group.gid = 0;
  group_dir.gid = is_root ? 4321 : 0;
  auto tar = make_tar({file("shared", "s", 0666), file("exe", "e", 0775), file("sgid", "g", 02755),
                       file("none", "n", 0), other_group, group_dir, in_g});
  auto r = apply_to(d, tar);
  ::umask(old);
  REQUIRE_OK(r);
  CHECK((lstat_of(d / "shared").st_mode & 07777) == 0666);
  CHECK((lstat_of(d / "exe").st_mode & 07777) == 0775);
  CHECK((lstat_of(d / "sgid").st_mode & 07777) == 02755);
  CHECK((lstat_of(d / "none").st_mode & 07777) == 0);
  CHECK((lstat_of(d / "g").st_mode & 07777) == 02775);
  CHECK((lstat_of(d / "g/f").st_mode & 07777) == 0664);
  // g/f asks for group 0, not the group its set-group-ID directory gives.
  CHECK(lstat_of(d / "g/f").st_gid == 0);
  if (is_root)
    CHECK(lstat_of(d / "o").st_gid == 4321);
}

TEST_CASE("layer: owner not mapped in the user namespace", "[layer]") {
  TempDir d;
  Entry owned = file("etc/shadow", "x");
  owned.uid = 1234;
  auto fd = memfd(make_tar({owned}));
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Only our own id is mapped, as in a rootless setup without subuids.
    if (::unshare(CLONE_NEWUSER) < 0)
      ::_exit(77);
    (void)fs::write_file("/proc/self/setgroups", "deny");
    if (!fs::write_file("/proc/self/uid_map", fmt::format("0 {} 1", uid)) ||
        !fs::write_file("/proc/self/gid_map", fmt::format("0 {} 1", gid)))
      ::_exit(77);
    auto r = apply_layer(fd.get(), d.fd.get(), {});
    ::_exit(!r && r.error().message ==
                      "layer file /etc/shadow is owned by uid 1234 which is not mapped in "
                      "the user namespace: add a larger range to /etc/subuid and /etc/subgid"
                ? 0
                : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77)
    WARN("user namespaces unavailable");
  else
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("layer: device nodes", "[layer]") {
  TempDir d;
  Entry null{"dev/null", AE_IFCHR, "", "", 0666};
  null.rmajor = 1;
  null.rminor = 3;
  REQUIRE_OK(apply_to(d, make_tar({null})));
  struct stat st {};
  // Rootless, the node is silently skipped.
  if (::lstat((d / "dev/null").c_str(), &st) == 0) {
    CHECK(S_ISCHR(st.st_mode));
    CHECK(st.st_rdev == makedev(1, 3));
    CHECK((st.st_mode & 0777) == 0666);
  }
}

TEST_CASE("layer: compressed streams hash both sides", "[layer]") {
  std::vector<Entry> entries{dir("d/"), file("d/big", std::string(300000, 'z')),
                             file("d/small", "s")};
  std::string plain = make_tar(entries);
  auto [filter, kind] = GENERATE(std::pair{Filter::gzip, Compression::gzip},
                                 std::pair{Filter::zstd, Compression::zstd});
  std::string packed = make_tar(entries, filter);
  REQUIRE(packed != plain);
  TempDir d;
  auto r = apply_to(d, packed);
  REQUIRE_OK(r);
  CHECK(r->compression == kind);
  CHECK(r->diff_id == sha256_digest(plain));
  CHECK(r->digest == sha256_digest(packed));
  CHECK(r->compressed_size == packed.size());
  CHECK(r->size == 300001);
  CHECK(read_all(d / "d/big") == std::string(300000, 'z'));
}

TEST_CASE("layer: bytes after the end-of-archive marker are hashed", "[layer]") {
  std::string tar = make_tar({file("f", "x")}) + std::string(8192, '\0');
  TempDir d;
  auto r = apply_to(d, tar);
  REQUIRE_OK(r);
  CHECK(r->diff_id == sha256_digest(tar));
  CHECK(r->compressed_size == tar.size());
}

TEST_CASE("layer: corrupt and truncated input fail", "[layer]") {
  std::string gz = make_tar({file("f", std::string(100000, 'q'))}, Filter::gzip);
  TempDir d;
  CHECK_FALSE(apply_to(d, gz.substr(0, gz.size() / 2)));
  std::string bad = gz;
  bad[bad.size() / 2] ^= 0x55;
  bad[bad.size() / 2 + 1] ^= 0x55;
  CHECK_FALSE(apply_to(d, bad));
  auto xz = apply_to(d, std::string("\xfd" "7zXZ\0junk", 10));
  REQUIRE_FALSE(xz);
  CHECK(xz.error().message.find("unsupported") != std::string::npos);
}

TEST_CASE("layer: overlay whiteouts", "[layer]") {
  auto tar = make_tar({dir("d/"), file("d/.wh..wh..opq", ""), file(".wh.gone", ""),
                       file("d/.wh.old", "")});
  SECTION("trusted xattr") {
    if (!is_root)
      return;
    TempDir d;
    REQUIRE_OK(apply_to(d, tar));
    auto st = lstat_of(d / "gone");
    CHECK(S_ISCHR(st.st_mode));
    CHECK(st.st_rdev == makedev(0, 0));
    CHECK(S_ISCHR(lstat_of(d / "d/old").st_mode));
    CHECK(xattr(d / "d", "trusted.overlay.opaque") == "y");
    CHECK_FALSE(fs::exists(d / ".wh.gone"));
  }
  SECTION("user xattr") {
    TempDir d;
    LayerApplyOptions o;
    o.userxattr = true;
    REQUIRE_OK(apply_to(d, tar, o));
    CHECK(xattr(d / "d", "user.overlay.opaque") == "y");
    CHECK(xattr(d / "d", "trusted.overlay.opaque").empty());
  }
}

TEST_CASE("layer: whiteouts delete in a flattened tree", "[layer]") {
  TempDir d;
  LayerApplyOptions o;
  o.overlay_whiteouts = false;
  REQUIRE_OK(apply_to(d, make_tar({file("gone", "1"), dir("d/"), file("d/old", "2"),
                             dir("d/sub/"), file("keep", "3")}),
                o));
  REQUIRE_OK(apply_to(d, make_tar({file(".wh.gone", ""), dir("d/"), file("d/new", "4"),
                             file("d/.wh..wh..opq", ""), file("nodir/.wh.x", "")}),
                o));
  CHECK_FALSE(fs::exists(d / "gone"));
  CHECK_FALSE(fs::exists(d / "d/old"));
  CHECK_FALSE(fs::exists(d / "d/sub"));
  CHECK(read_all(d / "d/new") == "4");
  CHECK(read_all(d / "keep") == "3");
  CHECK_FALSE(fs::exists(d / "nodir"));
}

TEST_CASE("layer: existing entries are replaced", "[layer]") {
  TempDir d;
  REQUIRE_OK(apply_to(d, make_tar({dir("d/", 0700), file("d/in", "1"), file("f", "old"),
                             dir("was-dir/"), file("was-dir/x", "x"), file("was-file", "")})));
  REQUIRE_OK(apply_to(d, make_tar({dir("d/", 0755), file("f", "new"), sym("was-dir", "f"),
                             dir("was-file/")})));
  CHECK(read_all(d / "d/in") == "1");
  CHECK((lstat_of(d / "d").st_mode & 0777) == 0755);
  CHECK(read_all(d / "f") == "new");
  CHECK(read_link(d / "was-dir") == "f");
  CHECK(S_ISDIR(lstat_of(d / "was-file").st_mode));
}

TEST_CASE("layer: entries escaping the root are refused", "[layer]") {
  require_refused({file("../evil", "x")}, "../evil");
  require_refused({file("a/../../evil", "x")}, "a/../../evil");
  require_refused({file("x", "x"), hard("link", "../x")}, "../x");
  require_refused({file(".wh..", "")}, ".wh..");
  require_refused({file("../.wh.x", "")}, "../.wh.x");
}

TEST_CASE("layer: writes through symlinks stay inside", "[layer]") {
  TempDir outside;
  TempDir d;
  SECTION("a relative symlink climbing above the root is kept, as Docker keeps it") {
    REQUIRE_OK(apply_to(d, make_tar({dir("etc/"), sym("a/b/evil", "../../../etc"), file("a/b/evil/x", "in")})));
    char target[64] = {};
    REQUIRE(::readlink((d / "a/b/evil").c_str(), target, sizeof target - 1) > 0);
    CHECK(std::string(target) == "../../../etc");
    CHECK(read_all(d / "etc/x") == "in");
  }
  SECTION("symlink to /") {
    REQUIRE_OK(apply_to(d, make_tar({sym("root", "/"), dir("root/tmp/"),
                               file("root/tmp/inside", "in")})));
    CHECK(read_all(d / "tmp/inside") == "in");
    CHECK_FALSE(fs::exists("/tmp/inside"));
  }
  SECTION("absolute symlink to a host directory") {
    // Resolves to <dest>/<outside>, which does not exist: the write fails
    // rather than landing in the real directory.
    auto r = apply_to(d, make_tar({sym("out", outside.path), file("out/pwned", "x")}));
    CHECK_FALSE(r);
    CHECK_FALSE(fs::exists(outside / "pwned"));
  }
  SECTION("file over a symlink replaces the link") {
    REQUIRE(::symlink((outside / "target").c_str(), (d / "f").c_str()) == 0);
    REQUIRE_OK(apply_to(d, make_tar({file("f", "data")})));
    CHECK(read_all(d / "f") == "data");
    CHECK_FALSE(fs::exists(outside / "target"));
  }
  SECTION("hardlink to a symlink links the symlink itself") {
    REQUIRE(fs::write_file(outside / "secret", "s"));
    REQUIRE_OK(apply_to(d, make_tar({sym("s", outside / "secret"), hard("h", "s")})));
    CHECK(S_ISLNK(lstat_of(d / "h").st_mode));
    CHECK(lstat_of(outside / "secret").st_nlink == 1);
  }
}

TEST_CASE("archive: directories and files extract", "[layer]") {
  TempDir d;
  auto bytes = make_tar({dir("blobs/sha256/"), file("blobs/sha256/abc", "blob"),
                         file("index.json", "{}")},
                        Filter::gzip);
  auto fd = memfd(bytes);
  REQUIRE_OK(extract_archive(fd.get(), d.path));
  CHECK(read_all(d / "blobs/sha256/abc") == "blob");
  CHECK(read_all(d / "index.json") == "{}");
}

TEST_CASE("archive: symlinks are kept as links, not followed", "[layer]") {
  TempDir d;
  auto fd = memfd(make_tar({file("blobs/x.tar", "data"), sym("id/layer.tar", "../blobs/x.tar"),
                            sym("escape", "/etc/passwd")}));
  REQUIRE_OK(extract_archive(fd.get(), d.path));
  char buf[64] = {};
  REQUIRE(::readlink((d.path + "/escape").c_str(), buf, sizeof buf - 1) > 0);
  CHECK(std::string(buf) == "/etc/passwd");
  UniqueFd root(::open(d.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  // Read the way load does: the absolute link resolves inside the archive.
  CHECK_FALSE(fs::open_in_root(root.get(), "escape", O_RDONLY));
  auto layer = fs::open_in_root(root.get(), "id/layer.tar", O_RDONLY);
  REQUIRE(layer);
  CHECK(::read(layer->get(), buf, sizeof buf) == 4);
}

TEST_CASE("archive: hardlinks, devices and escapes are refused", "[layer]") {
  auto refused = [](const std::vector<Entry> &entries, const std::string &needle) {
    TempDir d;
    auto fd = memfd(make_tar(entries));
    auto st = extract_archive(fd.get(), d.path);
    REQUIRE_FALSE(st);
    INFO(st.error().message);
    CHECK(st.error().message.find(needle) != std::string::npos);
  };
  refused({file("a", "x"), hard("b", "a")}, "\"b\"");
  refused({Entry{"fifo", AE_IFIFO}}, "fifo");
  refused({file("../evil", "x")}, "../evil");
}
