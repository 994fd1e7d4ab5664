// The builder's pure parts: config-only instructions applied as
// BuildKit's dispatchers apply them, with their history lines, and the
// directories WORKDIR must make.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "scratch.hpp"
#include "skiff/build/metadata.hpp"
#include "skiff/build/workdir.hpp"

using namespace skiff;
using namespace skiff::build;

namespace {

// The first instruction of a one-stage Dockerfile after FROM.
dockerfile::Command first(const std::string &line) {
  auto df = dockerfile::parse("FROM scratch\n" + line + "\n", "Dockerfile");
  REQUIRE(df);
  REQUIRE(df->stages.size() == 1);
  REQUIRE(!df->stages[0].commands.empty());
  return df->stages[0].commands[0];
}

dockerfile::Lookup vars(std::map<std::string, std::string> m) {
  return [m](std::string_view n) -> std::optional<std::string> {
    if (auto it = m.find(std::string(n)); it != m.end())
      return it->second;
    return std::nullopt;
  };
}

std::string apply(image::ImageConfig &c, const std::string &line, std::map<std::string, std::string> env = {}) {
  auto r = apply_metadata(c, first(line), vars(std::move(env)), '\\');
  REQUIRE(r);
  return *r;
}

} // namespace

TEST_CASE("ENV and LABEL: every pair sees the values from before the instruction", "[build]") {
  image::ImageConfig c;
  c.config.env = {"PATH=/bin", "A=old"};
  CHECK(apply(c, "ENV A=new B=$A C=\"two words\"", {{"A", "old"}}) == "ENV A=new B=old C=two words");
  CHECK(c.config.env == std::vector<std::string>{"PATH=/bin", "A=new", "B=old", "C=two words"});
  CHECK(apply(c, "ENV LEGACY value with spaces") == "ENV LEGACY=value with spaces");
  CHECK(apply(c, "LABEL \"org.x\"=1 y=${Z:-dflt}") == "LABEL org.x=1 y=dflt");
  CHECK(c.config.labels == std::map<std::string, std::string>{{"org.x", "1"}, {"y", "dflt"}});
}

TEST_CASE("EXPOSE: protocols, ranges, Docker's keys and Go's map in the history", "[build]") {
  image::ImageConfig c;
  // Go prints a map's keys sorted as strings: "80/tcp" before "8000/tcp".
  CHECK(apply(c, "EXPOSE 8000-8001/tcp 80 53/UDP") == "EXPOSE map[53/udp:{} 80/tcp:{} 8000/tcp:{} 8001/tcp:{}]");
  CHECK(c.config.exposed_ports.size() == 4);
  CHECK(!apply_metadata(c, first("EXPOSE 80/quic"), vars({}), '\\'));
  CHECK(!apply_metadata(c, first("EXPOSE 70000"), vars({}), '\\'));
}

TEST_CASE("CMD, ENTRYPOINT and SHELL: forms and the stage's shell", "[build]") {
  image::ImageConfig c;
  CHECK(apply(c, "CMD echo hi") == "CMD [\"/bin/sh\" \"-c\" \"echo hi\"]");
  CHECK(c.config.cmd == std::vector<std::string>{"/bin/sh", "-c", "echo hi"});
  CHECK(apply(c, "SHELL [\"/bin/bash\", \"-ec\"]") == "SHELL [/bin/bash -ec]");
  CHECK(stage_shell(c) == std::vector<std::string>{"/bin/bash", "-ec"});
  CHECK(apply(c, "ENTRYPOINT run it") == "ENTRYPOINT [\"/bin/bash\" \"-ec\" \"run it\"]");
  CHECK(c.config.entrypoint_set);
  CHECK(apply(c, "CMD [\"a\", \"b c\"]") == "CMD [\"a\" \"b c\"]");
  CHECK(c.config.cmd == std::vector<std::string>{"a", "b c"});
  // The shell is kept in the config, as Docker's image config keeps it.
  CHECK(c.to_json()["config"]["Shell"] == nlohmann::json{"/bin/bash", "-ec"});
}

TEST_CASE("HEALTHCHECK, STOPSIGNAL, VOLUME, USER, WORKDIR, ONBUILD, MAINTAINER", "[build]") {
  image::ImageConfig c;
  apply(c, "HEALTHCHECK --interval=5s --start-period=1m --retries=2 CMD [\"probe\", \"-q\"]");
  REQUIRE(c.config.healthcheck);
  CHECK(c.config.healthcheck->test == std::vector<std::string>{"CMD", "probe", "-q"});
  CHECK(c.config.healthcheck->interval == 5000000000);
  CHECK(c.config.healthcheck->start_period == 60000000000);
  CHECK(c.config.healthcheck->retries == 2);
  // Durations are checked when the file is read, before anything runs.
  CHECK(!dockerfile::parse("FROM scratch\nHEALTHCHECK --interval=1us CMD x\n", "Dockerfile"));
  apply(c, "HEALTHCHECK NONE");
  CHECK(c.config.healthcheck->test == std::vector<std::string>{"NONE"});
  CHECK(apply(c, "STOPSIGNAL $SIG", {{"SIG", "SIGQUIT"}}) == "STOPSIGNAL SIGQUIT");
  CHECK(apply(c, "VOLUME /a $B", {{"B", "/b"}}) == "VOLUME [/a /b]");
  CHECK(c.config.volumes == std::vector<std::string>{"/a", "/b"});
  CHECK(apply(c, "USER ${U}:1", {{"U", "app"}}) == "USER app:1");
  CHECK(apply(c, "WORKDIR /srv") == "WORKDIR /srv");
  CHECK(apply(c, "WORKDIR app/../data") == "WORKDIR /srv/data");
  CHECK(apply(c, "ONBUILD RUN make") == "ONBUILD RUN make");
  CHECK(c.to_json()["config"]["OnBuild"] == nlohmann::json{"RUN make"});
  CHECK(apply(c, "MAINTAINER Jane <jane@example.org>") == "MAINTAINER Jane <jane@example.org>");
  CHECK(c.author == "Jane <jane@example.org>");
}

TEST_CASE("WORKDIR: the directories to make, below symlinks resolved in the root", "[build]") {
  test::TempDir root;
  REQUIRE(::mkdir((root.path + "/usr").c_str(), 0755) == 0);
  REQUIRE(::symlink("/usr", (root.path + "/link").c_str()) == 0);
  REQUIRE(::close(::open((root.path + "/file").c_str(), O_CREAT | O_WRONLY, 0644)) == 0);
  UniqueFd fd(::open(root.path.c_str(), O_RDONLY | O_DIRECTORY));
  auto none = missing_dirs(fd.get(), "/usr");
  REQUIRE(none);
  CHECK(none->empty());
  auto two = missing_dirs(fd.get(), "/usr/src/app");
  REQUIRE(two);
  CHECK(*two == std::vector<std::string>{"/usr/src", "/usr/src/app"});
  auto through = missing_dirs(fd.get(), "/link/x");
  REQUIRE(through);
  CHECK(*through == std::vector<std::string>{"/usr/x"});
  CHECK(!missing_dirs(fd.get(), "/file/x"));
}
