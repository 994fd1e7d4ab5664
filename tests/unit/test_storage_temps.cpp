// The store's temporary entries: who owns them, and sweeping those of
// processes that are gone (debris of a kill -9) without touching others.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "scratch.hpp"
#include "skiff/storage/temp_dirs.hpp"

using namespace skiff;
using namespace skiff::storage;

namespace {

void make_tree(const std::string &dir) {
  REQUIRE(fs::mkdir_p(dir + "/diff/sub").ok());
  REQUIRE(fs::write_file(dir + "/diff/sub/f", "data").ok());
}

} // namespace

TEST_CASE("temporary entries are named after their process") {
  CHECK(temp_owner(".tmp-123-abcd", ".tmp-") == 123);
  CHECK(temp_owner("77-0f", "") == 77);
  CHECK(temp_owner(".tmp-123", ".tmp-") == 0);
  CHECK(temp_owner(".tmp-x-1", ".tmp-") == 0);
  CHECK(temp_owner(".tmp--1-a", ".tmp-") == 0);
  CHECK(temp_owner("0-a", "") == 0);
  CHECK(temp_owner("3f2a9c", "") == 0);
  CHECK(temp_owner("load-12-ab", "") == 0);
  std::string mine = temp_path("/some/dir", ".tmp-");
  CHECK(mine.starts_with("/some/dir/.tmp-"));
  CHECK(temp_owner(fs::basename(mine), ".tmp-") == ::getpid());
  CHECK(temp_path("/d", "") != temp_path("/d", ""));
}

TEST_CASE("sweeping removes only the entries of processes that are gone") {
  test::TempDir d;
  std::string dead = fmt::format("{}/.tmp-{}-aa", d.path, test::dead_pid());
  std::string init = d.path + "/.tmp-1-bb";  // PID 1 is always there
  std::string own = temp_path(d.path, ".tmp-");
  std::string layer = d.path + "/3f2a9c";
  for (const auto &p : {dead, init, own, layer})
    make_tree(p);
  sweep_temps(d.path, ".tmp-");
  auto left = fs::list_dir(d.path);
  REQUIRE(left.ok());
  std::sort(left->begin(), left->end());
  std::vector<std::string> want{fs::basename(init), fs::basename(own), "3f2a9c"};
  std::sort(want.begin(), want.end());
  CHECK(*left == want);
}

TEST_CASE("remove_tree takes the tree out of its place at once") {
  test::TempDir d;
  std::string layer = d.path + "/layers/abc";
  make_tree(layer);
  REQUIRE(remove_tree(layer, d.path + "/layers", ".tmp-").ok());
  CHECK_FALSE(fs::exists(layer));
  CHECK(fs::list_dir(d.path + "/layers")->empty());
  CHECK(remove_tree(layer, d.path + "/layers", ".tmp-").ok());
}

TEST_CASE("stray temp files of write_file_atomic: swept once their writer is gone", "[temps]") {
  test::TempDir d;
  std::string dead = fmt::format("{}/{}.tmp-{}-9f", d.path, std::string(64, 'a'), test::dead_pid());
  std::string alive = d.path + "/images.json.tmp-1-01";  // PID 1 is always there
  std::string old_style = d.path + "/driver.tmp-3f2a9c";  // no PID: whose it is cannot be told
  for (const auto &p : {dead, alive, old_style, d.path + "/images.json"})
    REQUIRE(fs::write_file(p, "x").ok());
  // A file this process is writing now.
  REQUIRE(fs::write_file_atomic(d.path + "/blob", "data").ok());
  sweep_file_temps(d.path);
  auto left = fs::list_dir(d.path);
  REQUIRE(left.ok());
  std::sort(left->begin(), left->end());
  std::vector<std::string> want{"blob", "driver.tmp-3f2a9c", "images.json", "images.json.tmp-1-01"};
  CHECK(*left == want);
}

TEST_CASE("the holder of a file's lock removes all its temp files", "[temps]") {
  test::TempDir d;
  for (const auto &n : {"images.json", "images.json.tmp-1-01", "images.json.tmp-3f2a9c", "blob-info.json.tmp-1-02"})
    REQUIRE(fs::write_file(d.path + "/" + n, "x").ok());
  remove_file_temps(d.path + "/images.json");
  auto left = fs::list_dir(d.path);
  REQUIRE(left.ok());
  std::sort(left->begin(), left->end());
  CHECK(*left == std::vector<std::string>{"blob-info.json.tmp-1-02", "images.json"});
}
