// Tar-split: a layer extracted with its layout recorded is written again
// byte for byte, whatever the tar flavour, chunking or compression.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include "skiff/image/layer.hpp"
#include "skiff/image/tar_split.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "scratch.hpp"

using namespace skiff;
using namespace skiff::image;
using skiff::test::memfd;
using skiff::test::TempDir;

namespace {

struct Item {
  std::string name;
  mode_t type = AE_IFREG;
  std::string data;
  std::string link;
  bool hardlink = false;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

la_ssize_t append_cb(archive *, void *out, const void *buf, size_t n) {
  static_cast<std::string *>(out)->append(static_cast<const char *>(buf), n);
  return static_cast<la_ssize_t>(n);
}

// format: "pax", "gnutar" or "ustar"; gzip compresses the result. Both
// forms end at the end-of-archive blocks: zero padding after a gzip member
// would be no gzip.
std::string make_tar(const std::vector<Item> &items, const std::string &format, bool gzip = false) {
  std::string out;
  archive *a = archive_write_new();
  archive_write_set_format_by_name(a, format.c_str());
  if (gzip)
    archive_write_add_filter_gzip(a);
  archive_write_set_bytes_in_last_block(a, 1);
  REQUIRE(archive_write_open(a, &out, nullptr, append_cb, nullptr) == ARCHIVE_OK);
  for (const auto &it : items) {
    archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, it.name.c_str());
    archive_entry_set_filetype(e, it.type);
    archive_entry_set_perm(e, it.type == AE_IFDIR ? 0755 : 0644);
    archive_entry_set_mtime(e, 1600000000, 123);
    if (it.hardlink)
      archive_entry_set_hardlink(e, it.link.c_str());
    else if (it.type == AE_IFLNK)
      archive_entry_set_symlink(e, it.link.c_str());
    for (const auto &[k, v] : it.xattrs)
      archive_entry_xattr_add_entry(e, k.c_str(), v.data(), v.size());
    archive_entry_set_size(e, it.type == AE_IFREG && !it.hardlink ? static_cast<la_int64_t>(it.data.size()) : 0);
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    if (!it.data.empty())
      REQUIRE(archive_write_data(a, it.data.data(), it.data.size()) == static_cast<la_ssize_t>(it.data.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// Extracts `input` with its layout recorded; returns the diff ID.
std::string extract(const TempDir &d, UniqueFd &split, const std::string &input) {
  split.reset(::memfd_create("split", MFD_CLOEXEC));
  auto in = memfd(input);
  LayerApplyOptions o;
  o.tar_split_fd = split.get();
  auto info = apply_layer(in.get(), d.fd.get(), o);
  INFO((info ? std::string() : info.error().message));
  REQUIRE(info);
  return info->diff_id;
}

Result<std::string> regenerate(int split, int root, const std::string &diff_id) {
  std::string out;
  auto st = write_split_tar(split, root, diff_id, [&](const void *p, size_t n) -> Status {
    out.append(static_cast<const char *>(p), n);
    return {};
  });
  if (!st)
    return std::move(st).error();
  return out;
}

std::vector<Item> sample() {
  std::string long_dir(120, 'd');
  return {
      {"dir", AE_IFDIR},
      {"dir/small", AE_IFREG, "hello\n"},
      {"dir/empty", AE_IFREG, ""},
      {"dir/block", AE_IFREG, std::string(512, 'b')},
      {"dir/big", AE_IFREG, std::string(300000, 'z') + "end"},
      {long_dir, AE_IFDIR},
      {long_dir + "/" + std::string(110, 'f'), AE_IFREG, "long name\n"},
      {"dir/link", AE_IFLNK, "", "small"},
      {"dir/hard", AE_IFREG, "", "dir/small", true},
      {"dir/.wh.gone", AE_IFREG, ""},
      {"dir/tagged", AE_IFREG, "x", "", false, {{"user.k", "v"}}},
  };
}

} // namespace

TEST_CASE("tar-split: every format gives the same bytes back", "[tar-split]") {
  for (std::string format : {"pax", "gnutar", "ustar"}) {
    auto items = sample();
    if (format == "ustar") // no long names or xattrs there
      items.erase(items.begin() + 5, items.begin() + 7), items.pop_back();
    // With a record's worth of padding after the end, as tar(1) writes.
    std::string tar = make_tar(items, format) + std::string(9216, '\0');
    TempDir d;
    UniqueFd split;
    std::string diff = extract(d, split, tar);
    CHECK(diff == sha256_digest(tar));
    auto size = tar_split_size(split.get());
    REQUIRE(size);
    CHECK(*size == tar.size());
    auto again = regenerate(split.get(), d.fd.get(), diff);
    INFO(format << (again ? "" : ": " + again.error().message));
    REQUIRE(again);
    CHECK(*again == tar);
  }
}

TEST_CASE("tar-split: a compressed layer gives its uncompressed tar", "[tar-split]") {
  std::string tar = make_tar(sample(), "pax");
  TempDir d;
  UniqueFd split;
  std::string diff = extract(d, split, make_tar(sample(), "pax", true));
  CHECK(diff == sha256_digest(tar));
  auto again = regenerate(split.get(), d.fd.get(), diff);
  REQUIRE(again);
  CHECK(*again == tar);
}

TEST_CASE("tar-split: file contents are not recorded", "[tar-split]") {
  std::string tar = make_tar(sample(), "pax");
  std::string records;
  TarSplitRecorder rec([&](std::string_view s) { records += s; });
  rec.feed(reinterpret_cast<const uint8_t *>(tar.data()), tar.size());
  rec.finish();
  CHECK(rec.stream_size() == tar.size());
  CHECK(records.find("zzzzzzzzzz") == std::string::npos);
  CHECK(records.find("hello") == std::string::npos);
  CHECK(records.find("F\x09" "dir/small") != std::string::npos);
  CHECK(records.size() < tar.size() / 10);
}

TEST_CASE("tar-split: chunk boundaries do not matter", "[tar-split]") {
  std::string tar = make_tar(sample(), "gnutar");
  auto record = [&](size_t chunk) {
    std::string out;
    TarSplitRecorder rec([&](std::string_view s) { out += s; });
    for (size_t i = 0; i < tar.size(); i += chunk)
      rec.feed(reinterpret_cast<const uint8_t *>(tar.data()) + i, std::min(chunk, tar.size() - i));
    rec.finish();
    return out;
  };
  std::string whole = record(tar.size());
  for (size_t chunk : {1, 7, 511, 512, 513, 4096})
    CHECK(record(chunk) == whole);
}

TEST_CASE("tar-split: what cannot be followed is kept verbatim", "[tar-split]") {
  // A block that is no tar header: everything from there on is verbatim.
  std::string tar = make_tar({{"a", AE_IFREG, "aaaa"}}, "pax");
  std::string junk(1024, 'q');
  std::string stream = junk + tar;
  std::string records;
  TarSplitRecorder rec([&](std::string_view s) { records += s; });
  rec.feed(reinterpret_cast<const uint8_t *>(stream.data()), stream.size());
  rec.finish();
  CHECK(records.find('F') == std::string::npos);
  CHECK(records.find("aaaa") != std::string::npos);
}

TEST_CASE("tar-split: a changed file fails the rewrite", "[tar-split]") {
  std::string tar = make_tar(sample(), "pax");
  TempDir d;
  UniqueFd split;
  std::string diff = extract(d, split, tar);
  REQUIRE(fs::write_file(d.path + "/dir/small", "HELLO\n"));
  auto again = regenerate(split.get(), d.fd.get(), diff);
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("diff ID") != std::string::npos);
  REQUIRE(fs::write_file(d.path + "/dir/small", "longer now\n"));
  again = regenerate(split.get(), d.fd.get(), diff);
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("/dir/small") != std::string::npos);
}
