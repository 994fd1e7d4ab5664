// The string forms of container options (spec/parse.hpp): -v, --mount,
// --tmpfs, --device, --restart, --ulimit and env files, with Docker's
// messages.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "skiff/spec/parse.hpp"

using namespace skiff;
using storage::MountConfig;

namespace {

bool same(const MountConfig &a, const MountConfig &b) {
  return a.type == b.type && a.source == b.source && a.destination == b.destination &&
         a.readonly == b.readonly && a.anonymous == b.anonymous && a.options == b.options &&
         a.create_source == b.create_source;
}

std::string error_of(const Result<MountConfig> &r) { return r ? std::string("(no error)") : r.error().message; }

} // namespace

TEST_CASE("spec: -v makes anonymous volumes, named volumes and binds", "[spec]") {
  CHECK(same(*spec::parse_volume("/data/", "/cwd"), {"volume", "", "/data", false, true, {}}));
  CHECK(same(*spec::parse_volume("vol:/data:ro", "/cwd"), {"volume", "vol", "/data", true, false, {}}));
  CHECK(same(*spec::parse_volume("vol:/data:nocopy", "/cwd"), {"volume", "vol", "/data", false, false, {"nocopy"}}));
  CHECK(same(*spec::parse_volume("/host//x:/ctr", "/cwd"), {"bind", "/host/x", "/ctr", false, false, {}, "", "", true}));
  // Docker 23+: a source starting with "." is relative to the caller's cwd.
  CHECK(same(*spec::parse_volume("./sub/../d:/ctr:rshared,ro", "/work/dir"),
             {"bind", "/work/dir/d", "/ctr", true, false, {"rshared"}, "", "", true}));
  CHECK(same(*spec::parse_volume("/h:/c:rw,z,Z,cached", "/"), {"bind", "/h", "/c", false, false, {}, "", "", true}));
}

TEST_CASE("spec: bad -v values give Docker's message", "[spec]") {
  // moby's words: docker/cli passes -v to the daemon unparsed.
  CHECK(error_of(spec::parse_volume("data", "/")) ==
        "invalid volume specification: 'data': invalid mount config for type \"volume\": invalid mount path: "
        "'data' mount path must be absolute");
  CHECK(error_of(spec::parse_volume("a:b:c:d", "/")) == "invalid volume specification: 'a:b:c:d'");
  CHECK(error_of(spec::parse_volume(":/x", "/")) == "invalid volume specification: ':/x'");
  CHECK(error_of(spec::parse_volume("v:rel", "/")) ==
        "invalid volume specification: 'v:rel': invalid mount config for type \"volume\": invalid mount path: "
        "'rel' mount path must be absolute");
  CHECK(error_of(spec::parse_volume("/h:rel", "/")) ==
        "invalid volume specification: '/h:rel': invalid mount config for type \"bind\": invalid mount path: "
        "'rel' mount path must be absolute");
  CHECK(error_of(spec::parse_volume("/tmp:/", "/")) ==
        "invalid volume specification: '/tmp:/': invalid mount config for type \"bind\": invalid specification: "
        "destination can't be '/'");
  CHECK(error_of(spec::parse_volume("/h:/c:nocopy", "/")) == "invalid mode: nocopy");
  CHECK(error_of(spec::parse_volume("v:/c:ro,rshared", "/")) == "invalid mode: ro,rshared");
  // The daemon's: run exits 125, create 1.
  CHECK(spec::parse_volume("v:rel", "/").error().code == Errc::invalid);
}

TEST_CASE("spec: --mount fields", "[spec]") {
  CHECK(same(*spec::parse_mount("type=bind,src=rel,dst=/c,ro,bind-propagation=rslave", "/w"),
             {"bind", "/w/rel", "/c", true, false, {"rslave"}}));
  CHECK(same(*spec::parse_mount("target=/data", "/"), {"volume", "", "/data", false, true, {}}));
  CHECK(same(*spec::parse_mount("type=volume,source=v,target=/d,volume-nocopy,readonly=false", "/"),
             {"volume", "v", "/d", false, false, {"nocopy"}}));
  CHECK(same(*spec::parse_mount("type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1777", "/"),
             {"tmpfs", "", "/t", false, false, {"size=64m", "mode=1777"}}));
  // Fields are CSV, as docker/cli reads them: a comma inside quotes.
  auto opts = spec::parse_mount("dst=/d,volume-driver=local,\"volume-opt=o=size=5m,uid=1\"", "/");
  REQUIRE(opts);
  CHECK(opts->volume_driver == "local");
  CHECK(opts->volume_options == std::map<std::string, std::string>{{"o", "size=5m,uid=1"}});
  CHECK(error_of(spec::parse_mount("dst=/d,volume-opt=o=size=5m,uid=1", "/")) ==
        "invalid argument \"dst=/d,volume-opt=o=size=5m,uid=1\" for \"--mount\" flag: unexpected key 'uid' in 'uid=1'");
  CHECK(error_of(spec::parse_mount("dst=/d,\"volume-opt=a", "/")) ==
        "invalid argument \"dst=/d,\"volume-opt=a\" for \"--mount\" flag: extraneous or missing \" in quoted-field");
  auto plain = spec::parse_mount("dst=/d,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=flag", "/");
  REQUIRE(plain);
  CHECK(plain->volume_options == std::map<std::string, std::string>{{"type", "tmpfs"}, {"device", "tmpfs"}, {"flag", ""}});
  // docker/cli's MountOpt refuses what it cannot parse, in pflag's words
  // (exit 125)...
  auto flag = [](const char *spec, const char *why) {
    return fmt::format("invalid argument \"{}\" for \"--mount\" flag: {}", spec, why);
  };
  for (const auto &[spec, why] : std::vector<std::pair<const char *, const char *>>{
           {"type=bind,src=/a,dst=/b,volume-opt=a=b", "cannot mix 'volume-*' options with mount type 'bind'"},
           {"type=bind,src=/a,dst=/b,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'"},
           {"type=volume,dst=/b,bind-propagation=shared", "cannot mix 'bind-*' options with mount type 'volume'"},
           {"type=tmpfs", "target is required"},
           {"type=nfs", "target is required"},
           {"dst=/x,color=red", "unexpected key 'color' in 'color=red'"},
           {"dst=/x,ro=maybe", "invalid value for ro: maybe"}}) {
    auto r = spec::parse_mount(spec, "/");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == flag(spec, why));
    CHECK(r.error().code == Errc::usage);
  }
  // ... the daemon what it cannot mount, in moby volume/mounts's words.
  for (const auto &[spec, why] : std::vector<std::pair<const char *, const char *>>{
           {"type=bind,dst=/b", "invalid mount config for type \"bind\": field Source must not be empty"},
           {"dst=/", "invalid mount config for type \"volume\": invalid specification: destination can't be '/'"},
           {"dst=x", "invalid mount config for type \"volume\": invalid mount path: 'x' mount path must be absolute"},
           {"type=nfs,dst=/x", "invalid mount config for type \"nfs\": mount type unknown"},
           {"type=tmpfs,src=a,dst=/x", "invalid mount config for type \"tmpfs\": field Source must not be specified"}}) {
    auto r = spec::parse_mount(spec, "/");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == why);
    CHECK(r.error().code == Errc::invalid);
  }
}

TEST_CASE("spec: --tmpfs", "[spec]") {
  CHECK(same(*spec::parse_tmpfs("/run"), {"tmpfs", "", "/run", false, false, {}}));
  CHECK(same(*spec::parse_tmpfs("/run:size=1m,,noexec"), {"tmpfs", "", "/run", false, false, {"size=1m", "noexec"}}));
  CHECK(error_of(spec::parse_tmpfs("run:size=1m")) == "invalid tmpfs \"run:size=1m\": the path must be absolute");
}

TEST_CASE("spec: --device HOST[:CONTAINER][:PERMISSIONS]", "[spec]") {
  auto d = spec::parse_device("/dev/null");
  REQUIRE(d);
  CHECK((d->path_on_host == "/dev/null" && d->path_in_container == "/dev/null" && d->cgroup_permissions == "rwm"));
  d = spec::parse_device("/dev/null:rw");
  CHECK((d->path_in_container == "/dev/null" && d->cgroup_permissions == "rw"));
  d = spec::parse_device("/dev/null:/dev//n");
  CHECK((d->path_in_container == "/dev/n" && d->cgroup_permissions == "rwm"));
  d = spec::parse_device("/dev/null:/dev/n:m");
  CHECK((d->path_in_container == "/dev/n" && d->cgroup_permissions == "m"));
  CHECK(spec::parse_device("/dev/null:/x:rwx").error().message ==
        "invalid argument \"/dev/null:/x:rwx\" for \"--device\" flag: bad mode specified: rwx");
  CHECK(spec::parse_device("/dev/null:relative").error().message ==
        "invalid argument \"/dev/null:relative\" for \"--device\" flag: relative is not an absolute path");
  CHECK(spec::parse_device("a:b:c:d").error().message ==
        "invalid argument \"a:b:c:d\" for \"--device\" flag: bad format for path: a:b:c:d");
}

TEST_CASE("spec: device permissions", "[spec]") {
  for (const char *ok : {"r", "w", "m", "rw", "rwm", "mwr"})
    CHECK(spec::valid_device_access(ok));
  for (const char *bad : {"", "rr", "rwmr", "x", "rwx", "/dev/x"})
    CHECK_FALSE(spec::valid_device_access(bad));
}

TEST_CASE("spec: --restart with Docker's words", "[spec]") {
  auto p = spec::parse_restart("on-failure:3");
  CHECK((p->name == "on-failure" && p->max_retries == 3));
  CHECK(spec::parse_restart("")->name == "no");
  CHECK(spec::parse_restart("always")->name == "always");
  CHECK(spec::parse_restart("on-failure:")->max_retries == 0);
  // docker/cli reads the format (a flag error, exit 125)...
  auto msg = [](const char *s) { return spec::parse_restart(s).error().message; };
  CHECK(msg("on-failure:x") == "invalid restart policy format: maximum retry count must be an integer");
  CHECK(msg(":1") == "invalid restart policy format: no policy provided before colon");
  CHECK(spec::parse_restart(":1").error().code == Errc::usage);
  // ... the daemon judges the policy.
  auto check = [](const char *s) { return spec::check_restart(*spec::parse_restart(s)).error().message; };
  CHECK(check("on-failure:-1") == "invalid restart policy: maximum retry count cannot be negative");
  CHECK(check("always:2") == "invalid restart policy: maximum retry count can only be used with 'on-failure'");
  CHECK(check("sometimes") == "invalid restart policy: unknown policy 'sometimes'; use one of 'no', "
                              "'always', 'on-failure', or 'unless-stopped'");
  CHECK(spec::check_restart(*spec::parse_restart("sometimes")).error().code == Errc::invalid);
  CHECK(spec::check_restart(*spec::parse_restart("on-failure:3")));
}

TEST_CASE("spec: --ulimit name=soft[:hard]", "[spec]") {
  auto u = spec::parse_ulimit("nofile=1024:2048");
  CHECK((u->name == "nofile" && u->soft == 1024 && u->hard == 2048));
  u = spec::parse_ulimit("core=-1");
  CHECK((u->soft == -1 && u->hard == -1));
  auto msg = [](const char *s) { return spec::parse_ulimit(s).error().message; };
  // go-units' ParseUlimit in pflag's words, as docker/cli reports them.
  auto flag = [](const char *s, const std::string &why) {
    return fmt::format("invalid argument \"{}\" for \"--ulimit\" flag: {}", s, why);
  };
  CHECK(msg("nofile") == flag("nofile", "invalid ulimit argument: nofile"));
  CHECK(msg("files=1") == flag("files=1", "invalid ulimit type: files"));
  CHECK(msg("nofile=a") == flag("nofile=a", "strconv.ParseInt: parsing \"a\": invalid syntax"));
  CHECK(msg("nofile=1:b") == flag("nofile=1:b", "strconv.ParseInt: parsing \"b\": invalid syntax"));
  CHECK(msg("nofile=1:2:3") ==
        flag("nofile=1:2:3", "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`"));
  CHECK(msg("nofile=10:5") == flag("nofile=10:5", "ulimit soft limit must be less than or equal to hard limit: 10 > 5"));
  CHECK(spec::parse_ulimit("nofile=a").error().code == Errc::usage);
}

TEST_CASE("spec: env files", "[spec]") {
  auto env = spec::parse_env_file("# comment\n\n  A=1  \nB= two words\nHOSTVAR\nMISSING\n", {"HOSTVAR=h"});
  REQUIRE(env);
  CHECK(*env == std::vector<std::string>{"A=1", "B= two words", "HOSTVAR=h"});
  auto bad = spec::parse_env_file("=x\n", {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "invalid environment variable \"=x\": no name");
}
