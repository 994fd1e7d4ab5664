// registry::Client over a fake transport: the ping, the challenge/token
// dance (anonymous and with credentials, cached per scope, fetched anew
// when refused), Basic auth, manifest digests and error messages; the
// push side: mounts, upload sessions and their Locations, streamed
// bodies, digests the registry reports, refusals.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "skiff/registry/client.hpp"
#include "skiff/registry/manifest.hpp"
#include "skiff/registry/url.hpp"
#include "skiff/util/base64.hpp"
#include "skiff/util/digest.hpp"

using namespace skiff;
using namespace skiff::registry;

namespace {

struct Seen {
  std::string url, authorization, method = "GET";
};

// Answers through `handler` and records every request.
struct FakeRegistry {
  std::function<HttpResponse(const HttpRequest &, const std::string &auth)> handler;
  std::vector<Seen> seen;

  TransportFactory factory() {
    return [this]() -> Result<std::unique_ptr<Transport>> {
      struct T : Transport {
        FakeRegistry *r;
        explicit T(FakeRegistry *x) : r(x) {}
        Result<HttpResponse> send(const HttpRequest &in, const TlsOptions &, const BodySink *sink) override {
          // A streamed body arrives in small pieces, as a socket gives it.
          HttpRequest req = in;
          if (in.source) {
            req.source = nullptr;
            char buf[7];
            for (size_t n; (n = TRY((*in.source)(buf, sizeof buf))) > 0;)
              req.body.append(buf, n);
          }
          std::string auth;
          for (const auto &h : req.headers)
            if (h.rfind("Authorization: ", 0) == 0)
              auth = h.substr(15);
          r->seen.push_back({req.url, auth, req.method});
          HttpResponse resp = r->handler(req, auth);
          if (sink && resp.status / 100 == 2) {
            TRY_STATUS((*sink)(resp.body));
            resp.body.clear();
          }
          return resp;
        }
      };
      return std::unique_ptr<Transport>(std::make_unique<T>(this));
    };
  }
  size_t count(std::string_view url_part) const {
    size_t n = 0;
    for (const auto &s : seen)
      n += s.url.find(url_part) != std::string::npos;
    return n;
  }
};

HttpResponse respond(long status, std::string body = "",
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

const std::string kManifest = R"({"schemaVersion":2})";

} // namespace

TEST_CASE("Bearer: anonymous token, cached per scope, fetched anew when refused") {
  FakeRegistry reg;
  int tokens = 0;
  std::string valid = "T1";
  reg.handler = [&](const HttpRequest &req, const std::string &auth) {
    if (req.url == "https://reg.example/v2/")
      return respond(401, "", {{"www-authenticate", R"(Bearer realm="https://auth.example/token",service="reg.example")"}});
    if (req.url.rfind("https://auth.example/token?", 0) == 0) {
      CHECK(auth.empty());
      CHECK(req.url.find("service=reg.example") != std::string::npos);
      CHECK(req.url.find("scope=repository%3Ateam%2Fapp%3Apull") != std::string::npos);
      tokens++;
      return respond(200, fmt::format(R"({{"token":"T{}"}})", tokens));
    }
    if (auth != "Bearer " + valid)
      return respond(401);
    return respond(200, kManifest, {{"content-type", "application/vnd.oci.image.manifest.v1+json"}});
  };
  Client c("reg.example", {}, reg.factory());
  auto m = c.manifest("team/app", "1");
  REQUIRE(m.ok());
  CHECK(m->digest == sha256_digest(kManifest));
  CHECK(m->content_type == "application/vnd.oci.image.manifest.v1+json");
  REQUIRE(c.manifest("team/app", "2").ok());
  CHECK(tokens == 1);
  CHECK(reg.count("/v2/") == 3);  // one ping for the client's life
  valid = "T2";  // the first token expired
  REQUIRE(c.manifest("team/app", "3").ok());
  CHECK(tokens == 2);
}

TEST_CASE("Bearer with credentials: Basic to the token service, refusal is an error") {
  FakeRegistry reg;
  reg.handler = [&](const HttpRequest &req, const std::string &auth) {
    if (req.url == "https://docker.example/v2/")
      return respond(401, "", {{"www-authenticate", R"(Bearer realm="https://auth.example/t",service="s")"}});
    if (req.url.rfind("https://auth.example/t?", 0) == 0) {
      if (auth != "Basic " + base64_encode("me:pw"))
        return respond(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"bad creds"}]})");
      CHECK(req.url.find("account=me") != std::string::npos);
      return respond(200, R"({"access_token":"AT"})");
    }
    return auth == "Bearer AT" ? respond(200, kManifest) : respond(401);
  };
  ClientOptions good;
  good.credentials = Credentials{"me", "pw"};
  Client c("docker.example", good, reg.factory());
  CHECK(c.check_credentials().ok());
  CHECK(c.manifest("x", "latest").ok());

  ClientOptions bad;
  bad.credentials = Credentials{"me", "nope"};
  Client b("docker.example", bad, reg.factory());
  auto s = b.check_credentials();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "unauthorized: incorrect username or password");
  auto m = b.manifest("x", "latest");
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().message.find("getting a token from https://auth.example/t: unauthorized: the registry "
                               "refused the credentials of user \"me\"") != std::string::npos);
}

TEST_CASE("Basic registries, Docker Hub's API host, errors and digests") {
  FakeRegistry reg;
  reg.handler = [&](const HttpRequest &req, const std::string &auth) {
    if (req.url == "https://registry-1.docker.io/v2/")
      return respond(401, "", {{"www-authenticate", R"(Basic realm="r")"}});
    if (auth != "Basic " + base64_encode("u:p"))
      return respond(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
    if (req.url.find("/manifests/missing") != std::string::npos)
      return respond(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})");
    return respond(200, kManifest);
  };
  Client anon("docker.io", {}, reg.factory());
  auto e = anon.manifest("library/busybox", "latest");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.find("authentication required: log in first with skiff login docker.io") !=
        std::string::npos);

  ClientOptions o;
  o.credentials = Credentials{"u", "p"};
  Client c("docker.io", o, reg.factory());
  CHECK(c.manifest("library/busybox", "latest").ok());
  auto missing = c.manifest("library/busybox", "missing");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::not_found);
  CHECK(missing.error().message ==
        "manifest for docker.io/library/busybox:missing not found: manifest unknown");
  CHECK(c.manifest("library/busybox", sha256_digest(kManifest)).ok());
  auto wrong = c.manifest("library/busybox", sha256_digest("other"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message.find("refusing it") != std::string::npos);
  auto blob = c.small_blob("library/busybox", sha256_digest("x"), 100);
  REQUIRE_FALSE(blob.ok());
  CHECK(blob.error().message.find("digest mismatch") != std::string::npos);
}

TEST_CASE("insecure: plain HTTP only after https fails and only with tls_verify off") {
  FakeRegistry reg;
  reg.handler = [&](const HttpRequest &, const std::string &) { return respond(200, kManifest); };
  // A transport error on https stands in for a server without TLS.
  TransportFactory failing_https = [&]() -> Result<std::unique_ptr<Transport>> {
    struct T : Transport {
      FakeRegistry *r;
      explicit T(FakeRegistry *x) : r(x) {}
      Result<HttpResponse> send(const HttpRequest &req, const TlsOptions &, const BodySink *) override {
        r->seen.push_back({req.url, ""});
        if (req.url.rfind("https://", 0) == 0)
          return make_error(Errc::failed, "wrong version number");
        return r->handler(req, "");
      }
    };
    return std::unique_ptr<Transport>(std::make_unique<T>(&reg));
  };
  Client secure("plain:5000", {}, failing_https);
  auto e = secure.manifest("a", "1");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.find("--tls-verify=false") != std::string::npos);
  ClientOptions o;
  o.tls_verify = false;
  Client insecure("plain:5000", o, failing_https);
  CHECK(insecure.manifest("a", "1").ok());
  CHECK(reg.seen.back().url == "http://plain:5000/v2/a/manifests/1");
}

TEST_CASE("push over Bearer: push scopes, a mount, an upload session and the manifest") {
  FakeRegistry reg;
  std::vector<std::string> scopes;
  const std::string blob = "layer bytes";
  const std::string mounted = sha256_digest("elsewhere"), fresh = sha256_digest(blob);
  reg.handler = [&](const HttpRequest &req, const std::string &auth) {
    const std::string &u = req.url;
    if (u == "https://reg.example/v2/")
      return respond(401, "", {{"www-authenticate", R"(Bearer realm="https://auth.example/token",service="reg")"}});
    if (u.rfind("https://auth.example/token?", 0) == 0) {
      scopes.push_back(u.substr(u.find("scope=")));
      return respond(200, R"({"token":"T"})");
    }
    if (auth != "Bearer T")
      return respond(401);
    if (req.method == "HEAD")
      return u.find(fresh) != std::string::npos ? respond(200, "", {{"content-length", "11"}}) : respond(404);
    if (req.method == "POST" && u.find("mount=" + url_encode(mounted)) != std::string::npos)
      return respond(201);
    if (req.method == "POST")
      return respond(202, "", {{"location", "/v2/team/app/blobs/uploads/u1?_state=a"}});
    if (req.method == "PATCH") {
      CHECK(u == "https://reg.example/v2/team/app/blobs/uploads/u1?_state=a");
      CHECK(req.body == blob);
      return respond(202, "", {{"location", "https://reg.example/v2/team/app/blobs/uploads/u1?_state=b"}});
    }
    if (req.method == "PUT" && u.find("/blobs/uploads/") != std::string::npos) {
      CHECK(u == "https://reg.example/v2/team/app/blobs/uploads/u1?_state=b&digest=" + url_encode(fresh));
      return respond(201, "", {{"docker-content-digest", fresh}});
    }
    if (req.method == "PUT") {
      CHECK(u == "https://reg.example/v2/team/app/manifests/1.0");
      bool oci = std::find(req.headers.begin(), req.headers.end(),
                           "Content-Type: application/vnd.oci.image.manifest.v1+json") != req.headers.end();
      CHECK(oci);
      return respond(201, "", {{"docker-content-digest", req.body == kManifest ? sha256_digest(kManifest) : fresh}});
    }
    return respond(500);
  };
  Client c("reg.example", {}, reg.factory());
  auto m = c.start_upload("team/app", mounted, "team/base");
  REQUIRE(m.ok());
  CHECK(m->mounted);
  REQUIRE(scopes.size() == 1);
  CHECK(scopes[0] == "scope=repository%3Ateam%2Fapp%3Apull%2Cpush&scope=repository%3Ateam%2Fbase%3Apull");

  auto s = c.start_upload("team/app", fresh, "team/base");
  REQUIRE(s.ok());
  CHECK_FALSE(s->mounted);
  CHECK(s->location == "https://reg.example/v2/team/app/blobs/uploads/u1?_state=a");
  size_t at = 0;
  BodySource source = [&](char *buf, size_t cap) -> Result<size_t> {
    size_t n = std::min(cap, blob.size() - at);
    std::memcpy(buf, blob.data() + at, n);
    at += n;
    return n;
  };
  auto next = c.upload_chunk("team/app", s->location, source);
  REQUIRE(next.ok());
  CHECK(c.finish_upload("team/app", *next, fresh).ok());
  CHECK(*c.blob_size("team/app", fresh) == std::optional<int64_t>(11));
  CHECK(*c.blob_size("team/app", mounted) == std::nullopt);
  // One token for pull,push on the repository, besides the mount's.
  CHECK(scopes.size() == 2);
  CHECK(scopes[1] == "scope=repository%3Ateam%2Fapp%3Apull%2Cpush");

  auto d = c.put_manifest("team/app", "1.0", media::oci_manifest, kManifest);
  REQUIRE(d.ok());
  CHECK(*d == sha256_digest(kManifest));
  auto wrong = c.put_manifest("team/app", "1.0", media::oci_manifest, "{}");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message.find("the registry stored the manifest of reg.example/team/app:1.0 as " + fresh) == 0);
}

TEST_CASE("push refused: the registry's words, one try for a streamed body, no credentials elsewhere") {
  FakeRegistry reg;
  reg.handler = [&](const HttpRequest &req, const std::string &auth) {
    if (req.url == "https://reg.example/v2/")
      return respond(401, "", {{"www-authenticate", R"(Bearer realm="https://auth.example/t")"}});
    if (req.url.rfind("https://auth.example/t?", 0) == 0)
      return respond(200, R"({"token":"T"})");
    if (req.url.rfind("https://storage.example/", 0) == 0)
      return auth.empty() ? respond(202, "", {{"location", "https://storage.example/up/2"}}) : respond(400);
    if (req.method == "PATCH")
      return respond(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
    return respond(403, R"({"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]})");
  };
  ClientOptions o;
  o.credentials = Credentials{"u", "p"};
  Client c("reg.example", o, reg.factory());
  auto denied = c.start_upload("team/app");
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error().message ==
        "starting an upload to reg.example/team/app: denied: requested access to the resource is denied");
  auto manifest = c.put_manifest("team/app", "1", media::docker_manifest, kManifest);
  REQUIRE_FALSE(manifest.ok());
  CHECK(manifest.error().message ==
        "storing the manifest of reg.example/team/app:1: denied: requested access to the resource is denied");

  int reads = 0;
  BodySource source = [&](char *, size_t) -> Result<size_t> {
    reads++;
    return size_t{0};
  };
  auto refused = c.upload_chunk("team/app", "https://reg.example/v2/team/app/blobs/uploads/u", source);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("refused the credentials of user \"u\"") != std::string::npos);
  CHECK(reg.count("/blobs/uploads/u") == 1);
  CHECK(reads == 1);

  // An upload location on another host gets no Authorization header.
  auto elsewhere = c.upload_chunk("team/app", "https://storage.example/up/1", source);
  REQUIRE(elsewhere.ok());
  CHECK(*elsewhere == "https://storage.example/up/2");
  CHECK(reg.seen.back().authorization.empty());
}

TEST_CASE("token answers, error bodies and tag lists of the wrong type: errors, not crashes") {
  FakeRegistry reg;
  std::string token_body, error_body, tags_body;
  reg.handler = [&](const HttpRequest &req, const std::string &auth) {
    if (req.url == "https://reg.example/v2/")
      return respond(401, "", {{"www-authenticate", R"(Bearer realm="https://auth.example/token",service="s")"}});
    if (req.url.rfind("https://auth.example/token?", 0) == 0)
      return respond(200, token_body);
    if (auth != "Bearer T")
      return respond(401);
    if (req.url.find("/tags/list") != std::string::npos)
      return respond(200, tags_body);
    return respond(404, error_body);
  };
  auto manifest_error = [&] {
    Client c("reg.example", {}, reg.factory());
    auto m = c.manifest("app", "1");
    REQUIRE_FALSE(m.ok());
    return m.error().message;
  };
  token_body = R"({"token":5})";
  CHECK(manifest_error() == "the answer of the token service https://auth.example/token: token: expected a "
                            "string, got a number");
  token_body = R"({"access_token":["T"]})";
  CHECK(manifest_error() == "the answer of the token service https://auth.example/token: access_token: "
                            "expected a string, got an array");
  token_body = "[1";
  CHECK(manifest_error() == "the answer of the token service https://auth.example/token: not valid JSON at "
                            "line 1, column 3");
  token_body = R"({"token":"T"})";
  // An error body of another shape leaves the status to speak.
  error_body = R"({"errors":[{"code":5,"message":["x"]}]})";
  CHECK(manifest_error().find("the registry answered HTTP 404") != std::string::npos);
  error_body = R"({"errors":5})";
  CHECK(manifest_error().find("the registry answered HTTP 404") != std::string::npos);
  error_body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"gone"}]})";
  CHECK(manifest_error().find("manifest unknown: gone") != std::string::npos);

  Client c("reg.example", {}, reg.factory());
  tags_body = R"({"name":"app","tags":["1",2]})";
  auto t = c.tags("app");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().message == "the tag list of reg.example/app: tags[1]: expected a string, got a number");
  tags_body = R"({"name":"app","tags":["1","2"]})";
  CHECK(*c.tags("app") == std::vector<std::string>{"1", "2"});
}
