// search: Docker Hub's /v1/search answers, catalog matching as podman
// does, Docker's filters, and the client's search and catalog requests.
#include <catch2/catch.hpp>

#include "skiff/engine/search.hpp"
#include "skiff/registry/client.hpp"
#include "skiff/registry/search.hpp"

using namespace skiff;
using registry::SearchResult;

TEST_CASE("search: /v1/search answers", "[search]") {
  auto r = registry::parse_v1_search(R"({"num_results":2,"query":"busy","results":[
    {"name":"busybox","description":"Busybox base image.","star_count":3300,"is_official":true,"is_automated":false},
    {"name":"someone/busy","description":null,"star_count":1},
    {"description":"no name: skipped"}]})",
                                      "s");
  REQUIRE(r);
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].name == "busybox");
  CHECK((*r)[0].description == "Busybox base image.");
  CHECK((*r)[0].stars == 3300);
  CHECK((*r)[0].official);
  CHECK((*r)[1].description.empty());
  CHECK_FALSE((*r)[1].official);
  CHECK(registry::parse_v1_search("<html>", "the answer").error().message ==
        "the answer: not valid JSON at line 1, column 1");
  CHECK(registry::parse_v1_search(R"({"results":3})", "the answer").error().message ==
        "the answer: results: expected an array, got a number");
  CHECK(registry::parse_v1_search(R"({"results":[{"name":"a","star_count":"many"}]})", "the answer")
            .error()
            .message == "the answer: results[0].star_count: expected an integer, got a string");
}

TEST_CASE("search: catalog names containing the term, an exact match first", "[search]") {
  auto repos = registry::parse_catalog(R"({"repositories":["a-app","app","team/app","zzz"]})", "c");
  REQUIRE(repos);
  auto m = registry::match_catalog(*repos, "app", "reg:5000", 25);
  REQUIRE(m.size() == 3);
  CHECK(m[0].name == "reg:5000/app");
  CHECK(m[1].name == "reg:5000/a-app");
  CHECK(m[2].name == "reg:5000/team/app");
  CHECK(m[0].stars == 0);
  CHECK(registry::match_catalog(*repos, "app", "r", 1).size() == 1);
  CHECK(registry::match_catalog(*repos, "", "r", 25).size() == 4);
  CHECK(registry::parse_catalog(R"({"repos":[]})", "the catalog").error().message ==
        "the catalog: repositories: missing");
  CHECK(registry::parse_catalog(R"({"repositories":[1]})", "the catalog").error().message ==
        "the catalog: repositories[0]: expected a string, got a number");
}

TEST_CASE("search: Docker's filters", "[search]") {
  auto f = engine::SearchFilter::parse({"is-official=true", "stars=3", "stars=10"});
  REQUIRE(f);
  CHECK(f->official == true);
  CHECK(f->stars == 10);
  CHECK(f->keeps({"a", "", 10, true}));
  CHECK_FALSE(f->keeps({"a", "", 9, true}));
  CHECK_FALSE(f->keeps({"a", "", 99, false}));
  auto none = engine::SearchFilter::parse({});
  REQUIRE(none);
  CHECK(none->keeps({"a", "", 0, false}));
  CHECK(engine::SearchFilter::parse({"is-official=0"})->official == false);
  for (auto [word, msg] : std::vector<std::pair<std::string, std::string>>{
           {"is-official=maybe", "invalid filter 'is-official=maybe'"},
           {"stars=many", "invalid filter 'stars=many'"},
           {"is-automated=true", "invalid filter 'is-automated'"},
           {"stars", "bad format of filter \"stars\" (expected name=value)"}}) {
    auto bad = engine::SearchFilter::parse({word});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == msg);
  }
}

TEST_CASE("search: the client asks /v1/search anonymously and pages through the catalog", "[search]") {
  struct Fake : registry::Transport {
    std::vector<std::string> *urls;
    std::vector<std::string> *auths;
    explicit Fake(std::vector<std::string> *u, std::vector<std::string> *a) : urls(u), auths(a) {}
    Result<registry::HttpResponse> send(const registry::HttpRequest &req, const registry::TlsOptions &,
                                        const registry::BodySink *) override {
      urls->push_back(req.url);
      std::string auth;
      for (const auto &h : req.headers)
        if (h.rfind("Authorization: ", 0) == 0)
          auth = h.substr(15);
      auths->push_back(auth);
      registry::HttpResponse r;
      r.status = 200;
      if (req.url == "https://reg.example/v2/") {
        r.status = 401;
        r.headers = {{"www-authenticate", R"(Basic realm="r")"}};
      } else if (req.url.find("/v1/search") != std::string::npos) {
        r.status = 404;
      } else if (req.url == "https://reg.example/v2/_catalog") {
        r.body = R"({"repositories":["a"]})";
        r.headers = {{"link", R"(</v2/_catalog?last=a&n=1>; rel="next")"}};
      } else if (req.url == "https://reg.example/v2/_catalog?last=a&n=1") {
        r.body = R"({"repositories":["b"]})";
      } else {
        r.status = 500;
      }
      return r;
    }
  };
  std::vector<std::string> urls, auths;
  registry::ClientOptions o;
  o.credentials = registry::Credentials{"u", "p"};
  registry::Client c("reg.example", o, [&]() -> Result<std::unique_ptr<registry::Transport>> {
    return std::unique_ptr<registry::Transport>(std::make_unique<Fake>(&urls, &auths));
  });
  auto v1 = c.search_v1("a b", 5);
  REQUIRE(v1);
  CHECK_FALSE(*v1);
  CHECK(urls.back() == "https://reg.example/v1/search?q=a%20b&n=5");
  CHECK(auths.back().empty());
  std::vector<std::string> pages;
  REQUIRE(c.catalog([&](const std::string &body) {
    pages.push_back(body);
    return true;
  }));
  CHECK(pages == std::vector<std::string>{R"({"repositories":["a"]})", R"({"repositories":["b"]})"});
  CHECK_FALSE(auths.back().empty());
  // Enough after the first page: the second is not fetched.
  size_t before = urls.size();
  REQUIRE(c.catalog([](const std::string &) { return false; }));
  CHECK(urls.size() == before + 1);
}
