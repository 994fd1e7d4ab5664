// RUN --mount values and build --secret flags, as BuildKit and buildx
// read them (commands_runmount.go's parseMount, dispatchSecret,
// buildflags/secrets.go), with their error words.
#include <catch2/catch.hpp>

#include "skiff/build/secrets.hpp"
#include "skiff/dockerfile/run_mount.hpp"

using namespace skiff;
using namespace skiff::dockerfile;

namespace {

Result<std::string> as_written(const std::string &w) { return w; }

RunMount parsed(std::string_view v) {
  auto m = parse_run_mount(v, as_written);
  INFO(v << ": " << (m ? "" : m.error().message));
  REQUIRE(m);
  return *m;
}

std::string error_of(std::string_view v) {
  auto m = parse_run_mount(v, as_written);
  REQUIRE_FALSE(m);
  return m.error().message;
}

} // namespace

TEST_CASE("run mount: bind is the default type, read-only unless rw", "[build]") {
  auto m = parsed("target=/src");
  CHECK(m.type == MountType::bind);
  CHECK(m.target == "/src");
  CHECK(m.readonly);
  m = parsed("type=bind,source=app,dst=/src,rw");
  CHECK_FALSE(m.readonly);
  CHECK(m.source == "app");
  m = parsed("type=bind,src=a,destination=/x,from=builder,readwrite=true");
  CHECK(m.from == "builder");
  CHECK_FALSE(m.readonly);
  CHECK(parsed("target=/x,ro=false").readonly == false);
  CHECK(parsed("TYPE=Bind,target=/x").type == MountType::bind);
  // The last of ro and rw wins.
  CHECK(parsed("target=/x,rw,ro").readonly);
}

TEST_CASE("run mount: cache and tmpfs are writable; cache options", "[build]") {
  auto m = parsed("type=cache,target=/root/.cache,id=pip,sharing=locked,mode=0700,uid=1000,gid=100");
  CHECK(m.type == MountType::cache);
  CHECK_FALSE(m.readonly);
  CHECK(m.id == "pip");
  CHECK(m.sharing == MountSharing::locked);
  CHECK(m.mode == 0700u);
  CHECK(m.uid == 1000u);
  CHECK(m.gid == 100u);
  CHECK(cache_id(m) == "pip");
  CHECK(cache_id(parsed("type=cache,target=/var/cache/apt/")) == "/var/cache/apt");
  CHECK(cache_id(parsed("type=cache,target=rel/./dir")) == "rel/dir");
  CHECK(parsed("type=cache,target=/c,sharing=PRIVATE").sharing == MountSharing::private_);
  CHECK(parsed("type=cache,target=/c,ro").readonly);
  auto t = parsed("type=tmpfs,target=/tmp,size=64m");
  CHECK(t.type == MountType::tmpfs);
  CHECK(t.size == 64 * 1024 * 1024);
  CHECK_FALSE(t.readonly);
}

TEST_CASE("run mount: secrets", "[build]") {
  auto m = parsed("type=secret,id=tok");
  CHECK(m.readonly);
  auto p = secret_place(m);
  REQUIRE(p);
  CHECK(p->id == "tok");
  CHECK(p->target == "/run/secrets/tok");
  m = parsed("type=secret,id=tok,env=TOKEN");
  CHECK(m.env == "TOKEN");
  p = secret_place(m);
  CHECK(p->id == "tok");
  CHECK_FALSE(p->target);
  p = secret_place(parsed("type=secret,id=tok,env=TOKEN,target=/t"));
  CHECK(p->target == "/t");
  // The ID from the target's base name, or the source.
  p = secret_place(parsed("type=secret,target=/etc/aws/creds,required"));
  CHECK(p->id == "creds");
  CHECK(p->target == "/etc/aws/creds");
  p = secret_place(parsed("type=secret,source=a/b"));
  CHECK(p->id == "a/b");
  CHECK(p->target == "/run/secrets/b");
  m = parsed("type=secret,id=s,required=true,mode=0440,uid=5,gid=6");
  CHECK(m.required);
  CHECK(m.mode == 0440u);
}

TEST_CASE("run mount: BuildKit's errors", "[build]") {
  CHECK(error_of("type=bogus,target=/x") == "unsupported mount type \"bogus\"");
  CHECK(error_of("type=cahce,target=/x") == "unsupported mount type \"cahce\" (did you mean cache?)");
  CHECK(error_of("taget=/x") == "unexpected key 'taget' in 'taget=/x' (did you mean target?)");
  CHECK(error_of("target=/x,bogus=bar") == "unexpected key 'bogus' in 'bogus=bar'");
  CHECK(error_of("target=/x,nonsense") == "invalid field 'nonsense' must be a key=value pair");
  CHECK(error_of("target=/x,required") == "unexpected key 'required' for mount type 'bind'");
  CHECK(error_of("type=cache,target=/x,size=1m") == "unexpected key 'size' for mount type 'cache'");
  CHECK(error_of("type=tmpfs,target=/x,size=lots") == "invalid value for size: lots");
  CHECK(error_of("target=/x,ro=maybe") == "invalid value for ro: maybe");
  CHECK(error_of("type=cache,target=/x,mode=999") == "invalid value 999 for mode");
  CHECK(error_of("type=cache,target=/x,uid=-1") == "invalid value -1 for uid");
  CHECK(error_of("type=cache,target=/x,gid=x") == "invalid value x for gid");
  CHECK(error_of("target=/x,mode=0755") == "mode not allowed for \"bind\" type mounts");
  CHECK(error_of("type=tmpfs,target=/x,uid=1") == "uid not allowed for \"tmpfs\" type mounts");
  CHECK(error_of("type=cache,target=/x,sharing=open") == "unsupported sharing value \"open\"");
  CHECK(error_of("target=/x,sharing=locked") == "invalid cache sharing set for bind mount");
  CHECK(error_of("type=secret,id=a,from=b") == "secret mount should not have a from");
  CHECK(error_of("type=secret,id=a,sharing=shared") == "secret mount should not define sharing");
  CHECK(error_of("type=secret") == "invalid secret mount. one of source, target required");
  CHECK(error_of("type=secret,id=a,source=b") == "both source and id can't be set");
  CHECK(error_of("target=\"/x") == "failed to parse csv mounts: bare \" in non-quoted-field");
  CHECK(error_of("\"target=/x") == "failed to parse csv mounts: extraneous or missing \" in quoted-field");
}

TEST_CASE("run mount: values are expanded, the check before the build waits for variables", "[build]") {
  auto m = parse_run_mount("type=cache,target=$DIR", [](const std::string &w) -> Result<std::string> {
    return w == "$DIR" ? std::string("/cache") : w;
  });
  REQUIRE(m);
  CHECK(m->target == "/cache");
  CHECK(check_run_mount("type=cache,target=/c"));
  CHECK(check_run_mount("type=$T,target=/c,required"));
  CHECK(check_run_mount("type=cache,target=/c,foo=1").error().message == "unexpected key 'foo' in 'foo=1' (did you mean from?)");
  CHECK(check_run_mount("type=$T,target=/c,foo=1").error().message == "unexpected key 'foo' in 'foo=1' (did you mean from?)");
  CHECK(check_run_mount("from=$STAGE,target=/c").error().message ==
        "'from' doesn't support variable expansion, define alias stage instead");
}

TEST_CASE("run mount: targets under the working directory", "[build]") {
  CHECK(*mount_target("/a/b/", "/w") == "/a/b");
  CHECK(*mount_target("rel", "/w") == "/w/rel");
  CHECK(*mount_target("rel", "") == "/rel");
  CHECK(mount_target("/", "/w").error().message == "invalid mount target \"/\"");
  CHECK(mount_target("", "/").error().message == "invalid mount target \"/\"");
}

TEST_CASE("build --secret: buildx's forms", "[build]") {
  using build::parse_secret_flag;
  auto s = parse_secret_flag("id=a,src=/f");
  REQUIRE(s);
  CHECK(s->id == "a");
  CHECK(s->file == "/f");
  s = parse_secret_flag("id=a,source=/f,type=file");
  CHECK(s->file == "/f");
  s = parse_secret_flag("id=a,env=VAR");
  CHECK(s->env == "VAR");
  CHECK(s->file.empty());
  // type=env takes src as the variable's name.
  s = parse_secret_flag("type=env,id=a,src=VAR");
  CHECK(s->env == "VAR");
  CHECK(s->file.empty());
  CHECK(parse_secret_flag("id=a,type=socket").error().message == "unsupported secret type \"socket\"");
  CHECK(parse_secret_flag("id=a,path=/f").error().message == "unexpected key 'path' in 'path=/f'");
  CHECK(parse_secret_flag("id=a,plain").error().message == "invalid field 'plain' must be a key=value pair");
  CHECK(parse_secret_flag("src=/f").error().message == "secret missing ID");
  // Neither: a variable named as the ID, else a file of that name.
  build::SecretSource bare{"HOME_TOKEN", "", ""};
  REQUIRE(build::resolve_secret(bare, true));
  CHECK(bare.env == "HOME_TOKEN");
  std::vector<build::SecretSource> list = {{"a", "/one", ""}, {"a", "/two", ""}};
  CHECK(build::find_secret(list, "a")->file == "/two");
  CHECK(build::find_secret(list, "b") == nullptr);
}
