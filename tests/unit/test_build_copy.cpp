// COPY and ADD's layer: real trees in a temp dir as the context and the
// stage root, the layer written in memory and read back with libarchive.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include "scratch.hpp"
#include "skiff/build/copy.hpp"
#include "skiff/image/compression.hpp"
#include "skiff/image/tar_writer.hpp"

using namespace skiff;
using namespace skiff::build;

namespace {

struct Entry {
  mode_t type = 0, perm = 0;
  int64_t uid = 0, gid = 0, mtime = 0;
  std::string link, data;
  bool hardlink = false;
};

// Entries by name (directories without their '/'), and their order.
struct Layer {
  std::map<std::string, Entry> at;
  std::vector<std::string> order;
  bool has(const std::string &n) const { return at.count(n) != 0; }
};

Layer read_layer(const std::string &bytes) {
  Layer l;
  archive *a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK);
  archive_entry *e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(e);
    if (!name.empty() && name.back() == '/')
      name.pop_back();
    Entry r;
    r.type = archive_entry_filetype(e);
    r.perm = archive_entry_perm(e);
    r.uid = archive_entry_uid(e);
    r.gid = archive_entry_gid(e);
    r.mtime = archive_entry_mtime(e);
    if (const char *h = archive_entry_hardlink(e)) {
      r.hardlink = true;
      r.link = h;
    } else if (const char *s = archive_entry_symlink(e)) {
      r.link = s;
    }
    char buf[4096];
    la_ssize_t got;
    while ((got = archive_read_data(a, buf, sizeof buf)) > 0)
      r.data.append(buf, static_cast<size_t>(got));
    l.at[name] = r;
    l.order.push_back(name);
  }
  archive_read_free(a);
  return l;
}

Result<Layer> copy_layer(const CopyRequest &r, int dest_root_fd) {
  std::string out;
  image::TarWriter w([&](const void *p, size_t n) -> Status {
    out.append(static_cast<const char *>(p), n);
    return {};
  });
  TRY_STATUS(write_copy_layer(r, dest_root_fd, w));
  TRY_STATUS(w.close());
  return read_layer(out);
}

void put(const test::TempDir &d, const std::string &rel, const std::string &content,
         mode_t mode = 0644, time_t mtime = 1600000000) {
  REQUIRE(fs::mkdir_p(fs::dirname(d.path + "/" + rel)));
  REQUIRE(fs::write_file(d.path + "/" + rel, content, mode));
  REQUIRE(::chmod((d.path + "/" + rel).c_str(), mode) == 0);
  timespec ts[2] = {{mtime, 0}, {mtime, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (d.path + "/" + rel).c_str(), ts, 0) == 0);
}

void dir(const test::TempDir &d, const std::string &rel, mode_t mode = 0755, time_t mtime = 1500000000) {
  REQUIRE(fs::mkdir_p(d.path + "/" + rel));
  REQUIRE(::chmod((d.path + "/" + rel).c_str(), mode) == 0);
  timespec ts[2] = {{mtime, 0}, {mtime, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (d.path + "/" + rel).c_str(), ts, 0) == 0);
}

// A directory's time, set once what is in it is made.
void stamp(const test::TempDir &d, const std::string &rel, time_t mtime) {
  timespec ts[2] = {{mtime, 0}, {mtime, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (d.path + "/" + rel).c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0);
}

void link(const test::TempDir &d, const std::string &target, const std::string &rel) {
  REQUIRE(::symlink(target.c_str(), (d.path + "/" + rel).c_str()) == 0);
}

CopyRequest req(const test::TempDir &ctx, std::vector<std::string> sources, std::string dest) {
  CopyRequest r;
  r.source_root_fd = ctx.fd.get();
  r.sources = std::move(sources);
  r.dest = std::move(dest);
  r.mtime = 1700000000;
  return r;
}

std::string tar_of(const std::vector<std::pair<std::string, std::string>> &files) {
  std::string out;
  image::TarWriter w([&](const void *p, size_t n) -> Status {
    out.append(static_cast<const char *>(p), n);
    return {};
  });
  for (auto &[n, c] : files)
    REQUIRE(w.add_file(n, c));
  REQUIRE(w.close());
  return out;
}

std::string gzip(const std::string &raw) {
  std::string out;
  image::CompressingWriter c(image::Compression::gzip, [&](std::string_view b) -> Status {
    out.append(b);
    return {};
  });
  REQUIRE(c.write(raw.data(), raw.size()));
  REQUIRE(c.finish());
  return out;
}

} // namespace

TEST_CASE("copy: a file, to a new name or into a directory", "[build]") {
  test::TempDir ctx, stage;
  put(ctx, "app.conf", "conf", 0640, 1600000000);
  dir(stage, "etc", 0711, 1400000000);

  auto l = copy_layer(req(ctx, {"app.conf"}, "/etc/renamed.conf"), stage.fd.get());
  REQUIRE(l);
  CHECK(l->order == std::vector<std::string>{"etc", "etc/renamed.conf"});
  // The existing parent with its stage metadata, as overlay's copy-up keeps it.
  CHECK(l->at["etc"].perm == 0711);
  CHECK(l->at["etc"].mtime == 1400000000);
  const Entry &f = l->at["etc/renamed.conf"];
  CHECK(f.data == "conf");
  CHECK(f.perm == 0640);
  CHECK(f.mtime == 1600000000);  // the source's time is kept
  CHECK(f.uid == 0);             // context files are root's
  CHECK(f.gid == 0);

  // An existing directory takes the file by its name, trailing '/' or not.
  l = copy_layer(req(ctx, {"app.conf"}, "/etc"), stage.fd.get());
  REQUIRE(l);
  CHECK(l->has("etc/app.conf"));
  // Relative to the workdir; missing parents made 0755, root's, the request's time.
  auto r = req(ctx, {"app.conf"}, "conf/");
  r.workdir = "/srv/app";
  l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  CHECK(l->order == std::vector<std::string>{"srv", "srv/app", "srv/app/conf", "srv/app/conf/app.conf"});
  CHECK(l->at["srv/app"].perm == 0755);
  CHECK(l->at["srv/app"].mtime == 1700000000);
  CHECK(l->at["srv/app"].uid == 0);
}

TEST_CASE("copy: a directory's contents, links and hardlinks kept", "[build]") {
  test::TempDir ctx, stage;
  dir(ctx, "src", 0700);
  put(ctx, "src/a.txt", "a");
  dir(ctx, "src/sub", 0750);
  put(ctx, "src/sub/b.sh", "b", 0755);
  link(ctx, "../a.txt", "src/sub/to-a");
  REQUIRE(::link((ctx.path + "/src/a.txt").c_str(), (ctx.path + "/src/sub/hard").c_str()) == 0);
  link(ctx, "src", "alias");
  stamp(ctx, "src", 1500000001);
  stamp(ctx, "src/sub", 1500000002);

  auto l = copy_layer(req(ctx, {"alias"}, "/opt/dst"), stage.fd.get());
  REQUIRE(l);
  // The symlink named as the source is followed; below it, links stay links.
  CHECK(l->order == std::vector<std::string>{"opt", "opt/dst", "opt/dst/a.txt", "opt/dst/sub",
                                             "opt/dst/sub/b.sh", "opt/dst/sub/hard", "opt/dst/sub/to-a"});
  // The new destination: 0755 and root's (fsutil's MkdirAll), the source
  // directory's time.
  CHECK(l->at["opt/dst"].perm == 0755);
  CHECK(l->at["opt/dst"].mtime == 1500000001);
  CHECK(l->at["opt/dst/sub"].perm == 0750);
  CHECK(l->at["opt/dst/sub"].mtime == 1500000002);
  CHECK(l->at["opt/dst/sub/b.sh"].perm == 0755);
  CHECK(l->at["opt/dst/sub/to-a"].type == AE_IFLNK);
  CHECK(l->at["opt/dst/sub/to-a"].link == "../a.txt");
  CHECK(l->at["opt/dst/sub/hard"].hardlink);
  CHECK(l->at["opt/dst/sub/hard"].link == "opt/dst/a.txt");
}

TEST_CASE("copy: wildcards, several sources, missing ones", "[build]") {
  test::TempDir ctx, stage;
  put(ctx, "a.txt", "a");
  put(ctx, "b.txt", "b");
  put(ctx, "c.md", "c");
  put(ctx, "sub/d.txt", "d");

  auto l = copy_layer(req(ctx, {"*.txt", "[c].md"}, "/d/"), stage.fd.get());
  REQUIRE(l);
  CHECK(l->order == std::vector<std::string>{"d", "d/a.txt", "d/b.txt", "d/c.md"});
  l = copy_layer(req(ctx, {"s?b/*.txt"}, "/d/"), stage.fd.get());
  REQUIRE(l);
  CHECK(l->has("d/d.txt"));

  auto bad = copy_layer(req(ctx, {"a.txt", "b.txt"}, "/d"), stage.fd.get());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message ==
        "When using COPY with more than one source file, the destination must be a directory and end with a /");
  bad = copy_layer(req(ctx, {"*.txt"}, "/d"), stage.fd.get());
  REQUIRE_FALSE(bad);

  auto missing = copy_layer(req(ctx, {"a.txt", "nope/x.txt"}, "/d/"), stage.fd.get());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "failed to compute cache key: \"/nope/x.txt\": not found");
  CHECK_FALSE(sources_digest(req(ctx, {"nope"}, "/d/")));
  // A wildcard that matches nothing is not an error in BuildKit
  // (`COPY package.json yarn.lock* ./`): nothing is copied for it.
  l = copy_layer(req(ctx, {"*.none"}, "/d/"), stage.fd.get());
  REQUIRE(l);
  CHECK(l->order.empty());
  CHECK(copy_layer(req(ctx, {}, "/d/"), stage.fd.get()).error().message == "no source files were specified");
}

TEST_CASE("copy: sources and destinations stay inside their roots", "[build]") {
  test::TempDir ctx, stage;
  put(ctx, "a.txt", "a");
  link(ctx, "/../../a.txt", "abs-link");
  dir(stage, "real", 0700);
  link(stage, "/real", "link");
  link(stage, "../../../real", "up");

  auto l = copy_layer(req(ctx, {"../../a.txt", "abs-link"}, "/link/"), stage.fd.get());
  REQUIRE(l);
  CHECK(l->order == std::vector<std::string>{"real", "real/a.txt", "real/abs-link"});
  CHECK(l->at["real/abs-link"].data == "a");
  l = copy_layer(req(ctx, {"a.txt"}, "/up/x"), stage.fd.get());
  REQUIRE(l);
  CHECK(l->has("real/x"));
}

TEST_CASE("copy: --chown, --chmod and a stage's owners", "[build]") {
  test::TempDir ctx, stage;
  dir(ctx, "d", 0700);
  put(ctx, "d/f", "f", 0600);
  link(ctx, "f", "d/l");
  auto r = req(ctx, {"d"}, "/a/b/");
  r.uid = 1000;
  r.gid = 2000;
  r.chmod = 0640;
  auto l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  // Every entry is the --chown owner's, the made parents too (fsutil's
  // MkdirAll chowns what it creates); --chmod's bits go on files and
  // directories, made parents included, not on symlinks.
  for (const auto &n : {"a", "a/b", "a/b/f", "a/b/l"}) {
    CHECK(l->at[n].uid == 1000);
    CHECK(l->at[n].gid == 2000);
  }
  CHECK(l->at["a"].perm == 0640);
  CHECK(l->at["a/b/f"].perm == 0640);
  CHECK(l->at["a/b/l"].perm == 0777);

  // COPY --from keeps the source's owners; the context gives root's.
  r = req(ctx, {"d/f"}, "/x");
  r.keep_owners = true;
  l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  CHECK(l->at["x"].uid == static_cast<int64_t>(::getuid()));
}

TEST_CASE("copy: --exclude and --parents", "[build]") {
  test::TempDir ctx, stage;
  put(ctx, "app/main.c", "m");
  put(ctx, "app/debug.log", "l");
  put(ctx, "app/keep.log", "k");
  put(ctx, "app/logs/x.log", "x");
  put(ctx, "app/sub/y.c", "y");

  auto r = req(ctx, {"app"}, "/w/");
  r.excludes = {"*.log", "!keep.log", "logs"};
  auto l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  // Patterns are relative to each source; the last matching one decides.
  CHECK(l->order == std::vector<std::string>{"w", "w/keep.log", "w/main.c", "w/sub", "w/sub/y.c"});

  r = req(ctx, {"app/./sub/y.c", "app/main.c"}, "/p");
  r.parents = true;
  l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  CHECK(l->has("p/sub/y.c"));
  CHECK(l->has("p/app/main.c"));
  CHECK_FALSE(l->has("p/app/debug.log"));
  CHECK_FALSE(l->has("p/main.c"));
}

TEST_CASE("copy: ADD extracts local archives", "[build]") {
  test::TempDir ctx, stage;
  put(ctx, "files.tar.gz", gzip(tar_of({{"top/one", "1"}, {"two", "2"}})));
  put(ctx, "notreally.tar", "plain text");
  put(ctx, "evil.tar", tar_of({{"../../escape", "x"}}));

  auto r = req(ctx, {"files.tar.gz", "notreally.tar"}, "/x/");
  r.add = true;
  auto l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  CHECK(l->at["x/top/one"].data == "1");
  CHECK(l->at["x/two"].data == "2");
  CHECK(l->at["x/notreally.tar"].data == "plain text");
  CHECK_FALSE(l->has("x/files.tar.gz"));

  // COPY never extracts.
  r.add = false;
  l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  CHECK(l->has("x/files.tar.gz"));

  r = req(ctx, {"evil.tar"}, "/x/");
  r.add = true;
  auto bad = copy_layer(r, stage.fd.get());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "\"../../escape\" is outside of \"/x\"");
}

TEST_CASE("copy: here-documents", "[build]") {
  test::TempDir ctx, stage;
  auto r = req(ctx, {}, "/etc/");
  r.heredocs = {{"motd", "hello\n"}, {"issue", "x\n"}};
  auto l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  CHECK(l->at["etc/motd"].data == "hello\n");
  CHECK(l->at["etc/motd"].perm == 0644);
  CHECK(l->at["etc/motd"].mtime == 1700000000);
  r.heredocs = {{"EOF", "run\n"}};
  r.dest = "/usr/bin/run.sh";
  r.chmod = 0755;
  l = copy_layer(r, stage.fd.get());
  REQUIRE(l);
  CHECK(l->at["usr/bin/run.sh"].data == "run\n");
  CHECK(l->at["usr/bin/run.sh"].perm == 0755);
}

TEST_CASE("copy: the sources digest follows contents, not times or other files", "[build]") {
  test::TempDir ctx;
  put(ctx, "src/a", "a");
  put(ctx, "src/b.log", "b");
  put(ctx, "other", "o");
  auto r = req(ctx, {"src"}, "/d/");
  r.excludes = {"*.log"};
  auto d0 = sources_digest(r);
  REQUIRE(d0);
  CHECK(d0->size() == 64);

  put(ctx, "other", "changed");
  put(ctx, "src/b.log", "changed");
  put(ctx, "src/a", "a", 0644, 1234567890);
  CHECK(*sources_digest(r) == *d0);

  put(ctx, "src/a", "A");
  CHECK(*sources_digest(r) != *d0);
  put(ctx, "src/a", "a", 0600);
  CHECK(*sources_digest(r) != *d0);
  put(ctx, "src/a", "a");
  CHECK(*sources_digest(r) == *d0);
  r.heredocs = {{"h", "x"}};
  CHECK(*sources_digest(r) != *d0);
}
