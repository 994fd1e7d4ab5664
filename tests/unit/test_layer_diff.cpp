// The container diff: its pure rules, the walk over an upper dir (with
// fuse-overlayfs's whiteout files, which need no privileges) and over a
// full copy, and the layer tar it writes.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "scratch.hpp"
#include "skiff/image/layer_diff.hpp"

using namespace skiff;
using namespace skiff::image;
using namespace skiff::image::diff_rules;

namespace {

Facts file(mode_t perm, int64_t size = 0) {
  Facts f;
  f.type = S_IFREG;
  f.perm = perm;
  f.size = size;
  return f;
}

void make(const std::string &path, const std::string &content = "") {
  REQUIRE(fs::write_file(path, content));
}

std::string listing(const std::vector<DiffEntry> &entries) {
  std::string out;
  for (const auto &e : entries)
    out += std::string(1, static_cast<char>(e.kind)) + " /" + e.path + "\n";
  return out;
}

std::string tar_names(int top, const std::vector<DiffEntry> &entries) {
  std::string bytes;
  TarWriter w([&](const void *p, size_t n) -> Status {
    bytes.append(static_cast<const char *>(p), n);
    return {};
  });
  REQUIRE(write_diff_tar(top, entries, w));
  // The ustar names (all short here), pax headers skipped.
  std::string names;
  size_t off = 0;
  while (off + 512 <= bytes.size() && bytes[off] != '\0') {
    std::string name(bytes.data() + off, strnlen(bytes.data() + off, 100));
    std::string size_field(bytes.data() + off + 124, 11);
    auto size = std::stoll(size_field, nullptr, 8);
    char type = bytes[off + 156];
    if (type == 'x') {  // pax header: the name may be in it; skip to its entry
      off += 512 + static_cast<size_t>((size + 511) / 512 * 512);
      continue;
    }
    names += name + "\n";
    off += 512 + static_cast<size_t>((size + 511) / 512 * 512);
  }
  return names;
}

} // namespace

TEST_CASE("whiteout names", "[layer_diff]") {
  CHECK(whiteout_target(".wh.ls") == "ls");
  CHECK_FALSE(whiteout_target(".wh..wh..opq"));
  CHECK_FALSE(whiteout_target(".wh..wh.plnk"));
  CHECK_FALSE(whiteout_target(".wh..opq"));  // fuse-overlayfs's bookkeeping
  CHECK_FALSE(whiteout_target(".wh."));
  CHECK_FALSE(whiteout_target("ls"));
}

TEST_CASE("what the runtime made is left out only while it is what it made", "[layer_diff]") {
  CHECK(runtime_file(".dockerenv", file(0755)));
  CHECK_FALSE(runtime_file(".dockerenv", file(0755, 2)));  // the container wrote it
  CHECK(runtime_file("run/.containerenv", file(0644)));
  CHECK(runtime_file("etc/hosts", file(0755)));
  CHECK_FALSE(runtime_file("etc/hosts", file(0644)));
  CHECK_FALSE(runtime_file("etc/passwd", file(0755)));
  Facts link;
  link.type = S_IFLNK;
  link.link = "/proc/mounts";
  CHECK(runtime_file("etc/mtab", link));
  link.link = "/proc/self/mounts";
  CHECK_FALSE(runtime_file("etc/mtab", link));
  Facts dir;
  dir.type = S_IFDIR;
  dir.perm = 0755;
  CHECK(runtime_dir("proc", dir));
  CHECK(runtime_dir("run", dir));
  CHECK_FALSE(runtime_dir("new", dir));
  dir.uid = 1000;
  CHECK_FALSE(runtime_dir("proc", dir));
}

TEST_CASE("a copy's entry is unchanged when its metadata is", "[layer_diff]") {
  Facts a = file(0644, 3), b = a;
  CHECK(unchanged(a, b));
  b.mtime_nsec = 1;
  CHECK_FALSE(unchanged(a, b));
  b = a;
  b.uid = 1000;
  CHECK_FALSE(unchanged(a, b));
  CHECK(dir_changed(a, b));
}

TEST_CASE("an upper dir's changes: whiteout files, opaque marker, runtime files", "[layer_diff]") {
  test::TempDir t;
  std::string lower = t.path + "/lower", upper = t.path + "/upper";
  for (auto d : {"/lower/bin", "/lower/home/user", "/lower/etc", "/upper/bin", "/upper/home", "/upper/new/d",
                 "/upper/etc", "/upper/proc"})
    REQUIRE(fs::mkdir_p(t.path + d, 0755));
  make(lower + "/bin/ls", "ls");
  make(lower + "/etc/passwd", "root");
  make(upper + "/bin/.wh.ls");
  make(upper + "/home/.wh..wh..opq");
  make(upper + "/home/x");
  make(upper + "/etc/passwd", "hi");
  make(upper + "/.dockerenv");
  REQUIRE(::chmod((upper + "/.dockerenv").c_str(), 0755) == 0);
  UniqueFd up(::open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  UniqueFd low(::open(lower.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DiffSource src{up.get(), {low.get()}, false};
  auto entries = diff_layers(src);
  REQUIRE(entries);
  std::string want = "C /bin\nD /bin/ls\nC /etc\nC /etc/passwd\nC /home\nD /home/user\nA /home/x\nA /new\nA /new/d\n";
  if (::geteuid() != 0)  // not root's: the rules keep them
    want = "A /.dockerenv\n" + want + "A /proc\n";
  CHECK(listing(*entries) == want);
  std::string names = tar_names(up.get(), *entries);
  CHECK(names.find("bin/.wh.ls\n") != std::string::npos);
  CHECK(names.find("home/\nhome/.wh..wh..opq\nhome/x\n") != std::string::npos);
  CHECK(names.find("home/user") == std::string::npos);
}

TEST_CASE("a full copy's changes: compared with the layers", "[layer_diff]") {
  test::TempDir t;
  std::string lower = t.path + "/lower", copy = t.path + "/copy";
  for (auto d : {"/lower/bin", "/lower/home/user", "/copy/bin", "/copy/home", "/copy/new"})
    REQUIRE(fs::mkdir_p(t.path + d, 0755));
  make(lower + "/bin/sh", "sh");
  make(lower + "/bin/ls", "ls");
  UniqueFd low(::open(lower.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  UniqueFd cp(::open(copy.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  UniqueFd lbin(::open((lower + "/bin").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  UniqueFd cbin(::open((copy + "/bin").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(fs::copy_tree(lbin.get(), cbin.get()));
  REQUIRE(::unlink((copy + "/bin/ls").c_str()) == 0);
  make(copy + "/new/f", "f");
  auto entries = diff_layers({cp.get(), {low.get()}, true});
  REQUIRE(entries);
  CHECK(listing(*entries) == "C /bin\nD /bin/ls\nC /home\nD /home/user\nA /new\nA /new/f\n");
  std::string names = tar_names(cp.get(), *entries);
  CHECK(names == "bin/\nbin/.wh.ls\nhome/\nhome/.wh.user\nnew/\nnew/f\n");
}
