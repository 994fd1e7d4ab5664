#include <catch2/catch.hpp>

#include "skiff/engine/container_filter.hpp"

using namespace skiff;
using namespace skiff::engine;

namespace {

ContainerView ctr(const std::string &id, const std::string &name, int64_t created, RunStatus status) {
  ContainerView v;
  v.config.id = id;
  v.config.name = name;
  v.config.created = created;
  v.config.network = "default";
  v.state.status = status;
  if (status == RunStatus::exited) {
    v.state.started_at = created + 1;
    v.state.finished_at = created + 2;
  }
  return v;
}

// Three containers, oldest first: a (running), b (exited 3), c (created).
std::vector<ContainerView> three() {
  auto a = ctr("aaaa1111", "a", 100, RunStatus::running);
  a.config.labels = {{"tier", "web"}, {"env", "prod"}};
  a.config.mounts.push_back({"volume", "data", "/data", false, false, {}});
  auto b = ctr("bbbb2222", "b", 200, RunStatus::exited);
  b.state.exit_code = 3;
  b.config.labels = {{"tier", "db"}};
  b.config.network = "none";
  auto c = ctr("cccc3333", "c", 300, RunStatus::created);
  c.config.mounts.push_back({"bind", "/srv", "/srv", false, false, {}});
  c.config.mounts.push_back({"tmpfs", "", "/run", false, false, {}});
  a.config.exposed_ports = {"80/tcp", "8080/tcp"};
  a.config.port_bindings = {{"80/tcp", "", "8080"}};
  b.config.exposed_ports = {"53/udp"};
  return {a, b, c};
}

std::string names(const std::vector<std::string> &words) {
  auto all = three();
  auto f = parse_container_filter(words, all);
  REQUIRE(f);
  std::string out;
  for (const auto &v : all)
    if (f->matches(v))
      out += v.config.name;
  return out;
}

std::string error(const std::vector<std::string> &words) {
  auto f = parse_container_filter(words, three());
  REQUIRE(!f);
  return f.error().message;
}

} // namespace

TEST_CASE("ps filter: keys, values and how they combine", "[container_filter]") {
  CHECK(names({}) == "abc");
  CHECK(names({"name=^a$"}) == "a");
  CHECK(names({"name=/b"}) == "b");  // the name with Docker's leading slash
  CHECK(names({"name=a", "name=c"}) == "ac");  // one key: any value
  CHECK(names({"id=bbbb"}) == "b");
  CHECK(names({"status=exited", "status=created"}) == "bc");
  CHECK(names({"exited=3"}) == "b");
  CHECK(names({"exited=0"}) == "");
  CHECK(names({"label=tier"}) == "ab");
  CHECK(names({"label=tier", "label=env=prod"}) == "a");  // label: every value
  CHECK(names({"label=tier", "status=exited"}) == "b");  // keys: all
  CHECK(names({"volume=data"}) == "a");
  CHECK(names({"volume=/srv"}) == "c");
  CHECK(names({"volume=/run"}) == "");  // a tmpfs is no volume
  CHECK(names({"network=none"}) == "b");
  CHECK(names({"network=slirp4netns"}) == "ac");
  CHECK(names({"is-task=false"}) == "abc");
  CHECK(names({"is-task=true"}) == "");
  CHECK(names({"isolation=default"}) == "abc");
}

TEST_CASE("ps filter: before and since name a container by name or ID", "[container_filter]") {
  CHECK(names({"before=b"}) == "a");
  CHECK(names({"since=b"}) == "c");
  CHECK(names({"since=aaaa"}) == "bc");
  CHECK(names({"before=/c"}) == "ab");
}

TEST_CASE("ps filter: only status= shows stopped containers without -a", "[container_filter]") {
  auto all = three();
  CHECK(parse_container_filter({"status=running"}, all)->shows_all);
  CHECK_FALSE(parse_container_filter({"name=a", "exited=3"}, all)->shows_all);
}

TEST_CASE("ps filter: bad filters are errors before any container is looked at", "[container_filter]") {
  CHECK(error({"bogus=1"}) == "invalid filter 'bogus'");
  CHECK(error({"health=healthy"}) == "invalid filter 'health'");
  CHECK(error({"status=sleeping"}) == "invalid filter 'status=sleeping'");
  CHECK(error({"exited=x"}) == "invalid filter 'exited=x'");
  CHECK(error({"is-task=maybe"}) == "invalid filter 'is-task=maybe'");
  CHECK(error({"before=nosuch"}) == "No such container: nosuch");
  CHECK(error({"name"}) == "bad format of filter (expected name=value)");
  auto none = parse_container_filter({"bogus=1"}, {});
  CHECK(!none);
}

TEST_CASE("ps filter: publish= and expose= by container port, moby's portOp", "[container_filter]") {
  CHECK(names({"publish=80"}) == "a");
  CHECK(names({"publish=80/tcp"}) == "a");
  CHECK(names({"publish=8080"}).empty());  // a host port is not what it matches
  CHECK(names({"publish=79-81"}) == "a");
  CHECK(names({"expose=8080"}) == "a");
  CHECK(names({"expose=53/udp"}) == "b");
  CHECK(names({"expose=53"}).empty());
  CHECK(names({"expose=53/udp", "expose=80"}) == "ab");
  CHECK(error({"publish=8080:80"}) == "filter for 'publish' should not contain ':': 8080:80");
  CHECK(error({"expose=x"}) == "error while looking up for expose x: strconv.ParseUint: parsing \"x\": invalid syntax");
}
