// What survives a full disk and kill -9: the exit record a supervisor
// leaves when state.json cannot be written, the removal marker, and images
// removed by their config blob first.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "scratch.hpp"
#include "skiff/storage/store.hpp"
#include "skiff/util/digest.hpp"

using namespace skiff;
using namespace skiff::storage;

namespace {

Store open_store(const test::TempDir &d) {
  auto s = Store::open(d.path + "/root", d.path + "/run", DriverKind::vfs);
  REQUIRE(s);
  return std::move(*s);
}

ContainerConfig make_container(const Store &s, const std::string &name) {
  ContainerConfig c;
  c.id = sha256_hex(name);
  c.name = name;
  c.mounts.push_back({"volume", name + "-vol", "/data", false, true, {}});
  REQUIRE(fs::mkdir_p(s.container_dir(c.id) + "/upper/sub").ok());
  REQUIRE(fs::write_file(s.container_dir(c.id) + "/upper/sub/f", "x").ok());
  REQUIRE(fs::mkdir_p(s.volume_dir(c.mounts[0].source) + "/_data").ok());
  REQUIRE(s.write_state(c.id, ContainerState{}).ok());
  REQUIRE(s.write_config(c).ok());
  REQUIRE(s.claim_name(c.name, c.id).ok());
  return c;
}

std::vector<std::string> ids_of(const std::vector<AbandonedRemoval> &v) {
  std::vector<std::string> out;
  for (const auto &r : v)
    out.push_back(r.id);
  return out;
}

} // namespace

TEST_CASE("an exit record is three numbers and fits a fast symlink") {
  ExitRecord r{137, 1733333333123456789, 1733333330123456789};
  auto text = format_exit_record(r);
  CHECK(text == "137 1733333333123456789 1733333330123456789");
  CHECK(text.size() < 60);  // ext4 keeps a target this short in the inode
  auto back = parse_exit_record(text);
  REQUIRE(back);
  CHECK(back->exit_code == 137);
  CHECK(back->finished_at == r.finished_at);
  CHECK(back->started_at == r.started_at);
  for (const char *bad : {"", "0", "0 1", "0 1 2 3", "x 1 2", "256 1 2", "-1 1 2", "0 1 2x", "0  1 2"})
    CHECK_FALSE(parse_exit_record(bad));
}

TEST_CASE("an exit record ends only the run it belongs to") {
  ContainerState s;
  s.status = RunStatus::running;
  s.pid = 42;
  s.started_at = 100;
  CHECK_FALSE(apply_exit_record(s, {0, 300, 99}));  // an earlier run's
  CHECK(s.status == RunStatus::running);
  CHECK(apply_exit_record(s, {0, 300, 100}));
  CHECK(s.status == RunStatus::exited);
  CHECK(s.exit_code == 0);
  CHECK(s.finished_at == 300);
  CHECK(s.pid == 0);
  // Recorded already: state.json says so, the record changes nothing.
  s.exit_code = 3;
  CHECK_FALSE(apply_exit_record(s, {0, 300, 100}));
  CHECK(s.exit_code == 3);
  ContainerState restarting;
  restarting.status = RunStatus::restarting;
  restarting.started_at = 7;
  CHECK(apply_exit_record(restarting, {137, 9, 7}));
  CHECK(restarting.status == RunStatus::exited);
  CHECK(restarting.exit_code == 137);
}

TEST_CASE("reading the state applies the exit record a full disk left") {
  test::TempDir d;
  auto store = open_store(d);
  auto c = make_container(store, "rec");
  ContainerState running;
  running.status = RunStatus::running;
  running.pid = 42;
  running.started_at = 1000;
  REQUIRE(store.write_state(c.id, running).ok());
  REQUIRE(store.write_exit_record(c.id, {137, 2000, 1000}).ok());
  auto st = store.read_state(c.id);
  REQUIRE(st);
  CHECK(st->status == RunStatus::exited);
  CHECK(st->exit_code == 137);
  CHECK(st->finished_at == 2000);
  // A later record replaces it; a next run is not ended by it.
  REQUIRE(store.write_exit_record(c.id, {0, 2500, 1000}).ok());
  CHECK(store.read_state(c.id)->exit_code == 0);
  running.started_at = 3000;
  REQUIRE(store.write_state(c.id, running).ok());
  CHECK(store.read_state(c.id)->status == RunStatus::running);
}

TEST_CASE("removal markers name their process and whether volumes go") {
  CHECK(removal_marker_name({123, false}) == "removing-123.json");
  CHECK(removal_marker_name({123, true}) == "removing-123-volumes.json");
  auto m = parse_removal_marker("removing-123-volumes.json");
  REQUIRE(m);
  CHECK(m->owner == 123);
  CHECK(m->volumes);
  m = parse_removal_marker("removing-9.json");
  REQUIRE(m);
  CHECK(m->owner == 9);
  CHECK_FALSE(m->volumes);
  for (const char *bad : {"config.json", "removing-.json", "removing-0.json", "removing-x.json",
                          "removing-12", "removing--3.json", "removing-+3.json", "removing-3-v.json"})
    CHECK_FALSE(parse_removal_marker(bad));
}

TEST_CASE("a removal begun frees the name at once and is nobody else's to finish") {
  test::TempDir d;
  auto store = open_store(d);
  auto c = make_container(store, "gone");
  REQUIRE(store.begin_removal(c, true).ok());
  CHECK_FALSE(fs::exists(store.container_dir(c.id) + "/config.json"));
  CHECK(fs::exists(store.container_dir(c.id) + "/" + removal_marker_name({::getpid(), true})));
  CHECK_FALSE(store.id_for_name("gone"));
  CHECK_FALSE(store.read_container(c.id));
  // This process is carrying it out.
  CHECK(store.abandoned_removals()->empty());
  // Begun twice: the second finds nothing to remove.
  auto again = store.begin_removal(c, true);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::not_found);

  REQUIRE(store.remove_anonymous_volumes(c).ok());
  CHECK_FALSE(fs::exists(store.volume_dir("gone-vol")));
  REQUIRE(store.remove_container_files(c.id).ok());
  CHECK_FALSE(fs::exists(store.container_dir(c.id)));
}

TEST_CASE("a removal a dead process began is taken over, config and all") {
  test::TempDir d;
  auto store = open_store(d);
  auto c = make_container(store, "half");
  auto other = make_container(store, "alive");
  std::string dir = store.container_dir(c.id);
  REQUIRE(::rename((dir + "/config.json").c_str(),
                   (dir + "/" + removal_marker_name({test::dead_pid(), true})).c_str()) == 0);
  CHECK(store.abandoned_removals().value_or({}) == std::vector<std::string>{c.id});
  auto mine = store.claim_abandoned_removals();
  REQUIRE(mine);
  REQUIRE(mine->size() == 1);
  const auto &r = (*mine)[0];
  CHECK(r.id == c.id);
  CHECK(r.volumes);
  REQUIRE(r.config);
  CHECK(r.config->name == "half");
  CHECK(r.config->mounts.size() == 1);
  // Ours now: the name went with the claim, the marker names us.
  CHECK_FALSE(store.id_for_name("half"));
  CHECK(store.id_for_name("alive") == other.id);
  CHECK(fs::exists(dir + "/" + removal_marker_name({::getpid(), true})));
  CHECK(store.abandoned_removals()->empty());
}

TEST_CASE("a killed create is taken over with a marker of our own") {
  test::TempDir d;
  auto store = open_store(d);
  auto c = make_container(store, "unborn");
  REQUIRE(::unlink((store.container_dir(c.id) + "/config.json").c_str()) == 0);
  auto mine = store.claim_abandoned_removals();
  REQUIRE(mine);
  CHECK(ids_of(*mine) == std::vector<std::string>{c.id});
  CHECK_FALSE((*mine)[0].config);
  CHECK_FALSE(store.id_for_name("unborn"));  // every name pointing at it
  CHECK(fs::exists(store.container_dir(c.id) + "/" + removal_marker_name({::getpid(), false})));
  REQUIRE(store.remove_container_files(c.id).ok());
  CHECK(store.container_ids()->empty());
}

TEST_CASE("a stop request is a file that a start clears") {
  test::TempDir d;
  auto store = open_store(d);
  auto c = make_container(store, "stop");
  CHECK_FALSE(store.stop_requested(c.id));
  REQUIRE(store.request_stop(c.id).ok());
  REQUIRE(store.request_stop(c.id).ok());
  CHECK(store.stop_requested(c.id));
  store.clear_stop_request(c.id);
  CHECK_FALSE(store.stop_requested(c.id));
}

TEST_CASE("an image is removed by its config blob first, its record tidied after") {
  test::TempDir d;
  auto store = open_store(d);
  auto keep = store.put_blob("{\"keep\":1}");
  auto drop = store.put_blob("{\"drop\":1}");
  REQUIRE(keep);
  REQUIRE(drop);
  REQUIRE(store.update_images([&](std::vector<ImageRecord> &list) -> Status {
    list.push_back({*digest_hex(*keep), {"docker.io/library/keep:1"}, {}, {}, 1, 0});
    list.push_back({*digest_hex(*drop), {"docker.io/library/drop:1"}, {}, {}, 2, 0});
    return {};
  }).ok());
  // Killed right after the blob went: the record is skipped.
  REQUIRE(::unlink(store.blob_path(*drop).c_str()) == 0);
  auto list = store.images();
  REQUIRE(list);
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].names[0] == "docker.io/library/keep:1");
  // The next removal tidies the index.
  auto removed = store.remove_images([&](const ImageRecord &i) -> Result<bool> {
    return i.names[0] == "docker.io/library/keep:1";
  });
  REQUIRE(removed);
  REQUIRE(removed->images.size() == 1);
  CHECK(store.images()->empty());
  CHECK(fs::read_file(store.root() + "/images.json").value_or("?") == "[]");
}
