// The merge of a container's options with its image's config
// (spec/merge.hpp), by Docker's rules.
#include <catch2/catch.hpp>

#include "skiff/spec/merge.hpp"

using namespace skiff;
using Strings = std::vector<std::string>;

namespace {

const char kDefaultPath[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

image::ImageConfig image_with(Strings entrypoint, Strings cmd) {
  image::ImageConfig img;
  img.config.entrypoint = std::move(entrypoint);
  img.config.cmd = std::move(cmd);
  return img;
}

spec::CreateOptions options(Strings cmd = {}) {
  spec::CreateOptions o;
  o.image = "busybox";
  o.cmd = std::move(cmd);
  return o;
}

storage::ContainerConfig merged(const spec::CreateOptions &o, const image::ImageConfig &img) {
  auto c = spec::container_config(o, img, "abc123");
  INFO((c ? std::string() : c.error().message));
  REQUIRE(c);
  return *c;
}

std::string error_of(const spec::CreateOptions &o, const image::ImageConfig &img) {
  auto c = spec::container_config(o, img, "abc123");
  return c ? std::string("(no error)") : c.error().message;
}

} // namespace

TEST_CASE("spec merge: ENTRYPOINT and CMD as Docker combines them", "[spec]") {
  const char *none = "No command specified";
  struct Case {
    Strings image_ep, image_cmd;
    std::optional<std::string> entrypoint;
    Strings cmd;
    Strings want_ep, want_cmd;  // both empty: no command, an error
  };
  const Case cases[] = {
      // image ENTRYPOINT and CMD
      {{"/ep"}, {"c"}, {}, {}, {"/ep"}, {"c"}},
      {{"/ep"}, {"c"}, {}, {"x", "y"}, {"/ep"}, {"x", "y"}},
      {{"/ep"}, {"c"}, "/mine", {}, {"/mine"}, {}},          // an entrypoint drops the image's CMD
      {{"/ep"}, {"c"}, "/mine", {"x"}, {"/mine"}, {"x"}},
      {{"/ep"}, {"c"}, "", {"x"}, {}, {"x"}},                // --entrypoint "" clears it
      {{"/ep"}, {"c"}, "", {}, {}, {}},
      // image CMD only
      {{}, {"c", "d"}, {}, {}, {}, {"c", "d"}},
      {{}, {"c"}, {}, {"x"}, {}, {"x"}},
      {{}, {"c"}, "/mine", {}, {"/mine"}, {}},
      {{}, {"c"}, "", {}, {}, {}},
      // image ENTRYPOINT only
      {{"/ep", "-a"}, {}, {}, {}, {"/ep", "-a"}, {}},
      {{"/ep"}, {}, {}, {"x"}, {"/ep"}, {"x"}},
      {{"/ep"}, {}, "", {"x"}, {}, {"x"}},
      // neither
      {{}, {}, {}, {}, {}, {}},
      {{}, {}, {}, {"x"}, {}, {"x"}},
      {{}, {}, "/mine", {}, {"/mine"}, {}},
      {{}, {}, "", {}, {}, {}},
  };
  for (const auto &k : cases) {
    auto o = options(k.cmd);
    o.entrypoint = k.entrypoint;
    auto img = image_with(k.image_ep, k.image_cmd);
    INFO("image " << k.image_ep.size() << "/" << k.image_cmd.size() << " entrypoint "
                  << (k.entrypoint ? "\"" + *k.entrypoint + "\"" : "unset") << " cmd " << k.cmd.size());
    if (k.want_ep.empty() && k.want_cmd.empty()) {
      CHECK(error_of(o, img) == none);
      continue;
    }
    auto c = merged(o, img);
    CHECK(c.entrypoint == k.want_ep);
    CHECK(c.cmd == k.want_cmd);
  }
}

TEST_CASE("spec merge: env is the env files', then -e, as given, then the image's not set", "[spec]") {
  auto img = image_with({}, {"sh"});
  img.config.env = {"PATH=/img/bin", "A=image", "B=image", "C=image"};
  auto o = options();
  o.env_files = {"B=file1\nD=file1\n", "D=file2\nFROMHOST\n"};
  o.env = {"C=flag", "D=flag", "E", "UNSET"};
  o.host_env = {"E=host-e", "FROMHOST=host-f"};
  auto c = merged(o, img);
  // As Docker's Config.Env: what was given in order (repeats kept), then the image's.
  // A -e KEY the caller has not set stays bare (an env file's is dropped).
  CHECK(c.env == Strings{"B=file1", "D=file1", "D=file2", "FROMHOST=host-f", "C=flag", "D=flag", "E=host-e",
                         "UNSET", "PATH=/img/bin", "A=image"});
  // The processes get each KEY once, the last given winning, at its first
  // place, after Docker's PATH and HOSTNAME; a bare KEY sets nothing.
  CHECK(spec::process_env(c.env, false, "h1") == Strings{"PATH=/img/bin", "HOSTNAME=h1", "B=file1", "D=flag",
                                                          "FROMHOST=host-f", "C=flag", "E=host-e", "A=image"});
  // A bare KEY keeps the image's value out and removes Docker's default.
  o = options();
  o.env = {"A", "PATH", "HOSTNAME"};
  CHECK(merged(o, img).env == Strings{"A", "PATH", "HOSTNAME", "B=image", "C=image"});
  CHECK(spec::process_env(merged(o, img).env, false, "h1") == Strings{"B=image", "C=image"});

  // No PATH in the image: none in the config, Docker's default for the
  // processes; a terminal gets TERM there.
  img.config.env = {"A=1"};
  o = options();
  o.tty = true;
  CHECK(merged(o, img).env == Strings{"A=1"});
  CHECK(spec::process_env(merged(o, img).env, true, "h2") ==
        Strings{kDefaultPath, "HOSTNAME=h2", "TERM=xterm", "A=1"});
  o.env = {"TERM=dumb"};
  CHECK(merged(o, img).env == Strings{"TERM=dumb", "A=1"});
  CHECK(spec::process_env(merged(o, img).env, true, "h2") == Strings{kDefaultPath, "HOSTNAME=h2", "TERM=dumb", "A=1"});

  o.env = {"=x"};
  CHECK(error_of(o, img) == "invalid argument \"=x\" for \"-e, --env\" flag: invalid environment variable: =x");
  o.env = {""};
  CHECK(error_of(o, img) == "invalid argument \"\" for \"-e, --env\" flag: invalid environment variable: ");
  o.env = {};
  o.env_files = {"ok=1\n=bad\n"};
  CHECK(error_of(o, img) == "invalid environment variable \"=bad\": no name");
}

TEST_CASE("spec merge: user, workdir and stop signal default to the image's", "[spec]") {
  auto img = image_with({}, {"sh"});
  img.config.user = "nobody";
  img.config.working_dir = "/srv";
  img.config.stop_signal = "SIGQUIT";
  auto c = merged(options(), img);
  CHECK(c.user == "nobody");
  CHECK(c.working_dir == "/srv");
  CHECK(c.stop_signal == "SIGQUIT");
  CHECK(c.stop_timeout == 10);

  auto o = options();
  o.user = "1000:1000";
  o.workdir = "/tmp";
  o.stop_signal = "SIGINT";
  o.stop_timeout = 3;
  c = merged(o, img);
  CHECK(c.user == "1000:1000");
  CHECK(c.working_dir == "/tmp");
  CHECK(c.stop_signal == "SIGINT");
  CHECK(c.stop_timeout == 3);

  c = merged(options(), image_with({}, {"sh"}));
  CHECK(c.user.empty());
  CHECK(c.working_dir.empty());
  CHECK(c.stop_signal.empty());

  o = options();
  o.workdir = "rel";
  CHECK(error_of(o, img) == "the working directory 'rel' is invalid, it needs to be an absolute path");
}

TEST_CASE("spec merge: labels over the image's, its exposed ports, its ID", "[spec]") {
  auto img = image_with({}, {"sh"});
  img.config.labels = {{"a", "image"}, {"b", "image"}};
  img.config.exposed_ports = {"80/tcp"};
  auto o = options();
  o.labels = {{"b", "mine"}, {"c", ""}};
  auto c = merged(o, img);
  CHECK(c.labels == std::map<std::string, std::string>{{"a", "image"}, {"b", "mine"}, {"c", ""}});
  CHECK(c.exposed_ports == Strings{"80/tcp"});
  CHECK(c.image_id == "abc123");
  CHECK(c.image_name == "busybox");
}

TEST_CASE("spec merge: image VOLUMEs become anonymous volumes where nothing is mounted", "[spec]") {
  auto img = image_with({}, {"sh"});
  img.config.volumes = {"/data/", "/cache", "/logs"};
  auto o = options();
  o.mounts = {{"bind", "/host", "/data", false, false, {"rprivate"}},
              {"tmpfs", "", "/cache", false, false, {}}};
  auto c = merged(o, img);
  REQUIRE(c.mounts.size() == 3);
  CHECK((c.mounts[0].type == "bind" && c.mounts[0].destination == "/data"));
  CHECK((c.mounts[1].type == "tmpfs" && c.mounts[1].destination == "/cache"));
  CHECK((c.mounts[2].type == "volume" && c.mounts[2].destination == "/logs" && c.mounts[2].anonymous &&
         c.mounts[2].source.empty()));

  o.mounts.push_back({"volume", "v", "/cache", false, false, {}});
  CHECK(error_of(o, img) == "duplicate mount point: /cache");
}

TEST_CASE("spec merge: options checked with Docker's words", "[spec]") {
  auto img = image_with({}, {"sh"});
  auto o = options();
  o.hostname = std::string(65, 'h');
  CHECK(error_of(o, img) == fmt::format("invalid hostname \"{}\": at most 64 characters", o.hostname));

  o = options();
  o.userns = "host";
  CHECK(merged(o, img).userns.empty());
  o.userns = "keep-id";
  CHECK(merged(o, img).userns == "keep-id");
  o.userns = "auto";
  CHECK(error_of(o, img) == "invalid --userns \"auto\": use host or keep-id");


  o = options();
  CHECK(merged(o, img).log_driver == "json-file");
  o.log_driver = "none";
  CHECK(merged(o, img).log_driver == "none");
  o.log_driver = "syslog";
  CHECK(error_of(o, img) == "logger: no log driver named 'syslog' is registered");
}

TEST_CASE("spec merge: the rest is carried over as given", "[spec]") {
  auto o = options();
  o.name = "web";
  o.hostname = "h";
  o.open_stdin = o.init = o.read_only = o.privileged = o.no_new_privileges = true;
  o.cap_add = {"NET_ADMIN"};
  o.cap_drop = {"all"};
  o.seccomp = "unconfined";
  o.devices = {{"/dev/null", "/dev/n", "rw"}};
  o.device_cgroup_rules = {"c 1:3 r"};
  o.ulimits = {{"nofile", 10, 20}};
  o.limits.memory = 1 << 20;
  o.limits.pids = 5;
  o.restart = {"on-failure", 2};
  auto c = merged(o, image_with({}, {"sh"}));
  CHECK(c.name == "web");
  CHECK(c.hostname == "h");
  CHECK((c.open_stdin && c.init && c.read_only && c.privileged && c.no_new_privileges && !c.tty && !c.auto_remove));
  CHECK(c.cap_add == Strings{"NET_ADMIN"});
  CHECK(c.cap_drop == Strings{"all"});
  CHECK(c.seccomp == "unconfined");
  REQUIRE(c.devices.size() == 1);
  CHECK(c.devices[0].cgroup_permissions == "rw");
  CHECK(c.device_cgroup_rules == Strings{"c 1:3 r"});
  REQUIRE(c.ulimits.size() == 1);
  CHECK(c.ulimits[0].hard == 20);
  CHECK(c.limits.memory == (1 << 20));
  CHECK(c.limits.pids == 5);
  CHECK_FALSE(c.limits.cpus);
  CHECK((c.restart.name == "on-failure" && c.restart.max_retries == 2));
}

TEST_CASE("spec merge: the image's HEALTHCHECK, the options' fields over it", "[spec]") {
  auto img = image_with({}, {"sh"});
  CHECK_FALSE(merged(options(), img).healthcheck);  // none in the image: none

  image::Healthcheck check{{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}, 30'000'000'000, 3'000'000'000,
                           5'000'000'000, 0, 3};
  img.config.healthcheck = check;
  CHECK(merged(options(), img).healthcheck == check);

  img.config.healthcheck = image::Healthcheck{{"NONE"}};
  auto none = merged(options(), img).healthcheck;
  REQUIRE(none);
  CHECK(none->test == Strings{"NONE"});
  CHECK(*none == image::Healthcheck{{"NONE"}});

  // Given fields win; an empty test and zeros are the image's.
  img.config.healthcheck = check;
  auto o = options();
  o.healthcheck = image::Healthcheck{{}, 1'000'000'000, 0, 0, 2'000'000'000, 0};
  auto mixed = merged(o, img).healthcheck;
  REQUIRE(mixed);
  CHECK(*mixed == image::Healthcheck{check.test, 1'000'000'000, 3'000'000'000, 5'000'000'000, 2'000'000'000, 3});
  o.healthcheck = image::Healthcheck{{"NONE"}};
  CHECK(merged(o, img).healthcheck->test == Strings{"NONE"});

  // Options over an image without one: the options' as given.
  img.config.healthcheck.reset();
  o.healthcheck = image::Healthcheck{{"CMD", "true"}, 0, 0, 0, 0, 4};
  CHECK(merged(o, img).healthcheck == o.healthcheck);
}

TEST_CASE("spec merge: --network modes, networks and what goes with them", "[spec]") {
  auto img = image_with({}, {"sh"});
  auto o = options();
  auto c = merged(o, img);
  CHECK(c.network == "bridge");
  REQUIRE(c.networks.size() == 1);
  CHECK(c.networks[0].network == "bridge");

  o.networks = {"default"};
  CHECK(merged(o, img).networks[0].network == "bridge");

  o.networks = {"front", "back"};
  o.network_aliases = {"web"};
  o.ip = "10.5.0.9";
  o.mac_address = "02:42:0a:05:00:09";
  c = merged(o, img);
  CHECK(c.network == "bridge");
  REQUIRE(c.networks.size() == 2);
  CHECK(c.networks[0] == storage::NetworkAttachment{"front", {"web"}, "10.5.0.9", "", "02:42:0a:05:00:09"});
  CHECK(c.networks[1] == storage::NetworkAttachment{"back", {}, "", "", ""});

  o = options();
  o.networks = {"none"};
  c = merged(o, img);
  CHECK(c.network == "none");
  CHECK(c.networks.empty());
  o.networks = {"container:db"};
  CHECK(merged(o, img).network == "container:db");

  o.networks = {"host", "front"};
  CHECK(error_of(o, img) == "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
  o.networks = {"front", "front"};
  CHECK(error_of(o, img) == "network \"front\" is specified multiple times");
  o = options();
  o.network_aliases = {"web"};
  CHECK(error_of(o, img) == "network-scoped alias is supported only for containers in user defined networks");
  o = options();
  o.ip = "10.5.0.9";
  CHECK(error_of(o, img) == "user specified IP address is supported on user defined networks only");
  o.networks = {"front"};
  o.ip = "10.5.0";
  CHECK(error_of(o, img) ==
        "invalid argument \"10.5.0\" for \"--ip\" flag: invalid string being converted to IP address: 10.5.0");
  o.ip = "";
  o.mac_address = "zz";
  CHECK(error_of(o, img) == "zz is not a valid mac address");
  o = options();
  o.networks = {"host"};
  o.links = {"db"};
  CHECK(error_of(o, img) ==
        "conflicting options: host type networking can't be used with links. This would result in undefined behavior");
}
