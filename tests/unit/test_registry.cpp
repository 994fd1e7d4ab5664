// The registry module's pure parts: WWW-Authenticate challenges, manifest
// types and platform choice, auth files, base64.
#include <catch2/catch.hpp>

#include "skiff/registry/auth_file.hpp"
#include "skiff/registry/certs.hpp"
#include "skiff/registry/challenge.hpp"
#include "skiff/registry/manifest.hpp"
#include "skiff/util/base64.hpp"

using namespace skiff;
using namespace skiff::registry;

TEST_CASE("base64 round trips and rejects garbage") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("user:pa:ss") == "dXNlcjpwYTpzcw==");
  CHECK(base64_decode("dXNlcjpwYTpzcw==").value() == "user:pa:ss");
  CHECK(base64_decode("Zm8").value() == "fo");
  CHECK_FALSE(base64_decode("Zm9v!").has_value());
  CHECK_FALSE(base64_decode("Z").has_value());
  std::string all;
  for (int i = 0; i < 256; i++)
    all += static_cast<char>(i);
  CHECK(base64_decode(base64_encode(all)).value() == all);
}

TEST_CASE("Bearer challenge with realm, service and scope") {
  auto cs = parse_challenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].scheme == "bearer");
  CHECK(cs[0].param("realm") == "https://auth.docker.io/token");
  CHECK(cs[0].param("service") == "registry.docker.io");
  CHECK(cs[0].param("scope") == "repository:library/busybox:pull");
  CHECK(cs[0].param("missing").empty());
}

TEST_CASE("Basic challenge, case, spaces, escapes and several challenges") {
  auto cs = parse_challenges(R"(Basic realm="Registry Realm")");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].scheme == "basic");
  CHECK(cs[0].param("realm") == "Registry Realm");

  cs = parse_challenges(R"(  BEARER  Realm = "a\"b" , Service=reg , error="insufficient_scope")");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].scheme == "bearer");
  CHECK(cs[0].param("realm") == "a\"b");
  CHECK(cs[0].param("service") == "reg");
  CHECK(cs[0].param("error") == "insufficient_scope");

  cs = parse_challenges(R"(Basic realm="r", Bearer realm="https://t/x",scope="repository:a/b:pull,push")");
  REQUIRE(cs.size() == 2);
  CHECK(cs[0].scheme == "basic");
  CHECK(cs[1].scheme == "bearer");
  CHECK(cs[1].param("scope") == "repository:a/b:pull,push");

  // Unquoted values run to the next comma or space.
  cs = parse_challenges("Bearer realm=https://t/x,scope=repository:a/b:pull");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].param("realm") == "https://t/x");
  CHECK(cs[0].param("scope") == "repository:a/b:pull");

  CHECK(parse_challenges("").empty());
  cs = parse_challenges(R"(Bearer realm="unterminated)");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].params.empty());
}

TEST_CASE("manifest types from the header, the body or the shape") {
  std::string docker = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
    "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":"sha256:)" +
                       std::string(64, 'a') + R"("},
    "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":10,"digest":"sha256:)" +
                       std::string(64, 'b') + R"("}]})";
  auto m = parse_manifest(docker, "application/vnd.docker.distribution.manifest.v2+json", "m");
  REQUIRE(m.ok());
  CHECK_FALSE(m->is_index);
  CHECK(m->config.digest == "sha256:" + std::string(64, 'a'));
  CHECK(m->config.size == 7);
  REQUIRE(m->layers.size() == 1);
  CHECK(m->layers[0].size == 10);
  CHECK(check_layer_type(m->layers[0]).ok());

  // No usable Content-Type: the body's mediaType decides.
  m = parse_manifest(docker, "application/json; charset=utf-8", "m");
  REQUIRE(m.ok());
  CHECK(m->media_type == media::docker_manifest);

  // OCI manifests may leave mediaType out: the shape decides.
  std::string oci = R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":1,"digest":"sha256:)" +
                    std::string(64, 'c') + R"("},"layers":[]})";
  m = parse_manifest(oci, "", "m");
  REQUIRE(m.ok());
  CHECK(m->media_type == media::oci_manifest);
  CHECK(m->layers.empty());

  CHECK_FALSE(parse_manifest(R"({"schemaVersion":1,"fsLayers":[]})", "", "m").ok());
  CHECK(parse_manifest(R"({"schemaVersion":1,"fsLayers":[]})", "", "m").error().message.find("schema 1") !=
        std::string::npos);
  CHECK_FALSE(parse_manifest("not json", media::oci_manifest, "m").ok());
  CHECK_FALSE(parse_manifest(R"({"schemaVersion":2,"config":{"size":1,"digest":"sha256:short"},"layers":[]})",
                             media::oci_manifest, "m")
                  .ok());
  CHECK_FALSE(parse_manifest(R"({"schemaVersion":2,"config":{"size":-1,"digest":"sha256:)" +
                                 std::string(64, 'c') + R"("},"layers":[]})",
                             media::oci_manifest, "m")
                  .ok());
}

TEST_CASE("manifests with values of the wrong type name the field") {
  auto problem = [](const std::string &body) {
    auto m = parse_manifest(body, "", "the manifest of r/x:1");
    return m ? std::string() : m.error().message;
  };
  std::string d = "sha256:" + std::string(64, 'a');
  CHECK(problem(R"({"schemaVersion":"2","layers":[]})") ==
        "the manifest of r/x:1: schemaVersion: expected an integer, got a string");
  CHECK(problem(R"({"schemaVersion":2,"mediaType":5})") ==
        "the manifest of r/x:1: mediaType: expected a string, got a number");
  CHECK(problem(R"({"schemaVersion":2,"config":{"digest":")" + d + R"(","size":1},"layers":5})") ==
        "the manifest of r/x:1: layers: expected an array, got a number");
  CHECK(problem(R"({"schemaVersion":2,"config":{"digest":")" + d + R"(","size":"1"},"layers":[]})") ==
        "the manifest of r/x:1: config.size: expected an integer, got a string");
  CHECK(problem(R"({"schemaVersion":2,"config":{"digest":")" + d + R"(","size":1},"layers":[{"digest":")" + d +
                R"(","size":1,"urls":"u"}]})") == "the manifest of r/x:1: layers[0].urls: expected an array, got a string");
  CHECK(problem(R"({"schemaVersion":2,"manifests":[{"digest":5,"size":1}]})") ==
        "the manifest of r/x:1: manifests[0].digest: expected a string, got a number");
  CHECK(problem(R"({"schemaVersion":2,"manifests":[{"digest":")" + d + R"(","size":1,"platform":{"os":1}}]})") ==
        "the manifest of r/x:1: manifests[0].platform.os: expected a string, got a number");
  CHECK(problem(R"({"schemaVersion":2,"manifests":5})") ==
        "the manifest of r/x:1: manifests: expected an array, got a number");
  CHECK(problem("[2]") == "the manifest of r/x:1: expected an object, got an array");
}

TEST_CASE("layer media types") {
  Descriptor d;
  for (const char *t : {"application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip",
                        "application/vnd.oci.image.layer.v1.tar+zstd"}) {
    d.media_type = t;
    CHECK(check_layer_type(d).ok());
  }
  d.media_type = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  CHECK(check_layer_type(d).error().message.find("foreign") != std::string::npos);
  d.media_type = "application/vnd.in-toto+json";
  CHECK_FALSE(check_layer_type(d).ok());
}

static std::string index_json() {
  auto entry = [](char c, const char *platform) {
    return fmt::format(R"({{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":100,"digest":"sha256:{}","platform":{}}})",
                       std::string(64, c), platform);
  };
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)" +
         entry('1', R"({"os":"linux","architecture":"arm","variant":"v6"})") + "," +
         entry('2', R"({"os":"linux","architecture":"arm","variant":"v7"})") + "," +
         entry('3', R"({"os":"linux","architecture":"arm64","variant":"v8"})") + "," +
         entry('4', R"({"os":"linux","architecture":"amd64"})") + "," +
         entry('5', R"({"os":"windows","architecture":"amd64"})") + "," +
         entry('6', R"({"os":"unknown","architecture":"unknown"})") + "]}";
}

TEST_CASE("platform parsing and choice from an index") {
  auto p = Platform::parse("linux/x86_64");
  REQUIRE(p.ok());
  CHECK(p->str() == "linux/amd64");
  CHECK(Platform::parse("linux/arm64/v8")->str() == "linux/arm64");
  CHECK(Platform::parse("linux/arm/v7")->str() == "linux/arm/v7");
  CHECK_FALSE(Platform::parse("amd64").ok());
  CHECK_FALSE(Platform::parse("linux//v7").ok());
  CHECK_FALSE(Platform::parse("a/b/c/d").ok());
  CHECK(Platform::host().os == "linux");

  auto idx = parse_manifest(index_json(), "", "m");
  REQUIRE(idx.ok());
  REQUIRE(idx->is_index);
  REQUIRE(idx->manifests.size() == 6);
  auto pick = [&](const char *text) { return choose_platform(*idx, *Platform::parse(text)); };
  CHECK(pick("linux/amd64")->digest == "sha256:" + std::string(64, '4'));
  CHECK(pick("windows/amd64")->digest == "sha256:" + std::string(64, '5'));
  CHECK(pick("linux/arm64")->digest == "sha256:" + std::string(64, '3'));
  CHECK(pick("linux/aarch64/v8")->digest == "sha256:" + std::string(64, '3'));
  CHECK(pick("linux/arm/v7")->digest == "sha256:" + std::string(64, '2'));
  CHECK(pick("linux/arm")->digest == "sha256:" + std::string(64, '1'));  // the first listed
  auto none = pick("linux/s390x");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("linux/s390x") != std::string::npos);
  CHECK(none.error().message.find("linux/arm/v7") != std::string::npos);
  CHECK_FALSE(pick("linux/arm/v5").ok());
}

TEST_CASE("auth file places") {
  AuthEnv e{"/home/u", "/run/user/1", "", "", ""};
  CHECK(own_auth_file(e) == "/run/user/1/containers/auth.json");
  CHECK(auth_files_to_read(e) ==
        std::vector<std::string>{"/run/user/1/containers/auth.json", "/home/u/.config/containers/auth.json",
                                 "/home/u/.docker/config.json"});
  e.xdg_runtime_dir.clear();
  CHECK(own_auth_file(e) == "/home/u/.config/containers/auth.json");
  CHECK(auth_files_to_read(e).size() == 2);
  e.docker_config = "/etc/dc";
  CHECK(auth_files_to_read(e).back() == "/etc/dc/config.json");
  e.registry_auth_file = "/tmp/env.json";
  CHECK(own_auth_file(e) == "/tmp/env.json");
  e.authfile = "/tmp/flag.json";
  CHECK(own_auth_file(e) == "/tmp/flag.json");
  CHECK(auth_files_to_read(e) == std::vector<std::string>{"/tmp/flag.json", "/etc/dc/config.json"});
}

TEST_CASE("certs.d roots: skiff's own first, then podman's and Docker's") {
  CHECK(cert_roots("/home/u", "", false) ==
        std::vector<std::string>{"/home/u/.config/skiff/certs.d", "/home/u/.config/containers/certs.d",
                                 "/etc/containers/certs.d", "/etc/docker/certs.d"});
  CHECK(cert_roots("/root", "", true).front() == "/etc/skiff/certs.d");
  CHECK(cert_roots("/root", "/x", true).front() == "/x/skiff/certs.d");
}

TEST_CASE("auth keys normalise as Docker and podman write them") {
  CHECK(normalize_auth_key("https://index.docker.io/v1/") == "docker.io");
  CHECK(normalize_auth_key("registry-1.docker.io") == "docker.io");
  CHECK(normalize_auth_key("http://127.0.0.1:5000") == "127.0.0.1:5000");
  CHECK(normalize_auth_key("quay.io/org/") == "quay.io/org");
}

TEST_CASE("credentials lookup, most specific key first") {
  std::string text = R"({"auths":{
    "https://index.docker.io/v1/":{"auth":")" + base64_encode("hub:pw") + R"("},
    "quay.io":{"auth":")" + base64_encode("q:1") + R"("},
    "quay.io/org":{"auth":")" + base64_encode("org:2") + R"("},
    "plain.example":{"username":"pu","password":"pp"},
    "bad.example":{"auth":"@@@"}
  },"credHelpers":{}})";
  auto hub = lookup_credentials(text, "docker.io/library/busybox", "f");
  REQUIRE(hub.ok());
  REQUIRE(hub->has_value());
  CHECK((*hub)->username == "hub");
  CHECK((*hub)->password == "pw");
  CHECK((*lookup_credentials(text, "quay.io/org/app", "f"))->username == "org");
  CHECK((*lookup_credentials(text, "quay.io/orga/app", "f"))->username == "q");
  CHECK((*lookup_credentials(text, "plain.example/x", "f"))->password == "pp");
  CHECK_FALSE(lookup_credentials(text, "other.example/x", "f")->has_value());
  CHECK_FALSE(lookup_credentials(text, "bad.example/x", "f").ok());
  CHECK_FALSE(lookup_credentials("", "docker.io/x", "f")->has_value());
  CHECK_FALSE(lookup_credentials("[1]", "docker.io/x", "f").ok());
  auto keys = credential_keys(text);
  CHECK(std::find(keys.begin(), keys.end(), "docker.io") != keys.end());
  CHECK(std::find(keys.begin(), keys.end(), "quay.io/org") != keys.end());
  CHECK(credential_keys("junk").empty());
  // Values of the wrong type name the file and the field.
  CHECK(lookup_credentials(R"({"auths":{"quay.io":{"username":5}}})", "quay.io/x", "f").error().message ==
        R"(f: auths["quay.io"].username: expected a string, got a number)");
  CHECK(lookup_credentials(R"({"auths":{"quay.io":"u:p"}})", "quay.io/x", "f").error().message ==
        R"(f: auths["quay.io"]: expected an object, got a string)");
  CHECK(lookup_credentials(R"({"auths":[]})", "quay.io/x", "f").error().message ==
        "f: auths: expected an object, got an array");
  CHECK(credential_helper(R"({"credsStore":true})", "quay.io/x", "f").error().message ==
        "f: credsStore: expected a string, got a boolean");
  CHECK(credential_helper(R"({"credHelpers":{"quay.io":1}})", "quay.io/x", "f").error().message ==
        R"(f: credHelpers["quay.io"]: expected a string, got a number)");
}

TEST_CASE("credential helpers: credHelpers for a registry, else credsStore") {
  std::string text = R"({"auths":{"quay.io":{"auth":")" + base64_encode("q:1") + R"("}},
    "credsStore":"pass","credHelpers":{"https://quay.io":"ecr","127.0.0.1:5000":"secretservice"}})";
  auto quay = credential_helper(text, "quay.io/org/app", "f");
  REQUIRE(quay.ok());
  REQUIRE(quay->has_value());
  CHECK((*quay)->program == "docker-credential-ecr");
  CHECK((*quay)->server == "quay.io");
  CHECK((*credential_helper(text, "127.0.0.1:5000/x", "f"))->program == "docker-credential-secretservice");
  auto hub = *credential_helper(text, "docker.io/library/busybox", "f");
  CHECK(hub->program == "docker-credential-pass");
  CHECK(hub->server == "https://index.docker.io/v1/");
  CHECK_FALSE(credential_helper(R"({"auths":{}})", "quay.io/x", "f")->has_value());
  CHECK_FALSE(credential_helper("[]", "quay.io/x", "f").ok());
  auto path = credential_helper(R"({"credsStore":"../../tmp/x"})", "quay.io/x", "f");
  REQUIRE_FALSE(path.ok());
  CHECK(path.error().message == "f: credential helper \"../../tmp/x\" is not a program name");

  CredentialHelper h{"docker-credential-pass", "quay.io"};
  auto c = helper_credentials(h, 0, R"({"ServerURL":"quay.io","Username":"u","Secret":"s"})" "\n");
  REQUIRE(c.ok());
  CHECK((*c)->username == "u");
  CHECK((*c)->password == "s");
  auto none = helper_credentials(h, 1, "credentials not found in native keychain\n");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  auto broken = helper_credentials(h, 1, "pass store is locked\n");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message == "docker-credential-pass get for quay.io: pass store is locked");
  CHECK_FALSE(helper_credentials(h, 0, "not json").ok());
  CHECK(helper_credentials(h, 0, R"({"Username":5,"Secret":"s"})").error().message ==
        "docker-credential-pass get for quay.io: Username: expected a string, got a number");
  CHECK(helper_credentials(h, 0, R"({"Username":"u"})").error().message ==
        "docker-credential-pass get for quay.io: Secret: missing");
  auto token = helper_credentials(h, 0, R"({"Username":"<token>","Secret":"t"})");
  REQUIRE_FALSE(token.ok());
  CHECK(token.error().message.find("identity token") != std::string::npos);
}

TEST_CASE("storing and erasing credentials keeps the rest of the file") {
  std::string text = R"({"auths":{"https://index.docker.io/v1/":{"auth":"eDp5"},"other:5000":{"auth":"YTpi"}},"credsStore":"x"})";
  auto stored = store_credentials(text, "docker.io", {"me", "p:w"}, "f");
  REQUIRE(stored.ok());
  auto back = lookup_credentials(*stored, "docker.io/library/x", "f");
  CHECK((*back)->username == "me");
  CHECK((*back)->password == "p:w");
  CHECK(stored->find("credsStore") != std::string::npos);
  CHECK(stored->find("index.docker.io") == std::string::npos);  // replaced, not shadowed
  CHECK((*lookup_credentials(*stored, "other:5000/r", "f"))->username == "a");

  auto fresh = store_credentials("", "127.0.0.1:5000", {"u", "p"}, "f");
  REQUIRE(fresh.ok());
  CHECK((*lookup_credentials(*fresh, "127.0.0.1:5000/x", "f"))->username == "u");

  auto erased = erase_credentials(*stored, "docker.io", "f");
  REQUIRE(erased.ok());
  REQUIRE(erased->has_value());
  CHECK_FALSE(lookup_credentials(**erased, "docker.io/library/x", "f")->has_value());
  CHECK((*lookup_credentials(**erased, "other:5000/r", "f"))->username == "a");
  CHECK_FALSE(erase_credentials(**erased, "docker.io", "f")->has_value());
  CHECK_FALSE(erase_credentials("", "docker.io", "f")->has_value());
}
