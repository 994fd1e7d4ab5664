// Image filters (images, image prune) and history rows, as Docker has them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "skiff/cli/history_view.hpp"
#include "skiff/engine/history.hpp"
#include "skiff/engine/image_filter.hpp"
#include "skiff/util/timefmt.hpp"

using namespace skiff;
using namespace skiff::engine;

namespace {

const std::vector<std::string_view> kImages = {"dangling", "reference", "before", "since", "label"};

image::Reference ref(std::string_view s) { return *image::parse_reference(s); }

bool glob(std::string_view p, std::string_view n) {
  auto r = glob_match(p, n);
  REQUIRE(r);
  return *r;
}

} // namespace

TEST_CASE("image filter: path.Match globs", "[filter]") {
  CHECK(glob("busybox", "busybox"));
  CHECK(glob("b*", "busybox"));
  CHECK_FALSE(glob("b*", "team/busybox"));
  CHECK(glob("*/*", "team/busybox"));
  CHECK_FALSE(glob("*", "a/b"));
  CHECK(glob("busy?ox:*", "busybox:latest"));
  CHECK(glob("[a-c]usybox", "busybox"));
  CHECK_FALSE(glob("[^a-c]usybox", "busybox"));
  CHECK(glob("a\\*b", "a*b"));
  CHECK_FALSE(glob("a\\*b", "axb"));
  CHECK(glob("*:1.*", "app:1.2"));
  CHECK_FALSE(glob("", "x"));
  for (std::string_view bad : {"[", "[a-", "a\\", "[]"})
    CHECK_FALSE(glob_match(bad, "x"));
  // Reported even when the name fails to match before the bad part.
  CHECK_FALSE(glob_match("zz[", "abc"));
}

TEST_CASE("image filter: reference matches the familiar name with and without its tag", "[filter]") {
  CHECK(*reference_matches("busybox", ref("docker.io/library/busybox:latest")));
  CHECK(*reference_matches("busybox:latest", ref("busybox:latest")));
  CHECK_FALSE(*reference_matches("busybox:1", ref("busybox:latest")));
  CHECK(*reference_matches("localhost:5000/*", ref("localhost:5000/app:v1")));
  CHECK(*reference_matches("team/*:v*", ref("team/app:v2")));
  CHECK_FALSE(*reference_matches("library/busybox", ref("busybox")));
}

TEST_CASE("image filter: parsing keys and values", "[filter]") {
  auto f = parse_image_filter({"dangling=true", "reference=a*", "reference=b*", "label=k", "label=x=y",
                               "before=old", "before=older", "since=new"},
                              kImages, 0);
  REQUIRE(f);
  CHECK(f->dangling == true);
  CHECK(f->references == std::vector<std::string>{"a*", "b*"});
  CHECK(f->labels == std::vector<std::string>{"k", "x=y"});
  CHECK(f->before == "older");
  CHECK(f->since == "new");

  auto bad = parse_image_filter({"color=red"}, kImages, 0);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "invalid filter 'color'");
  bad = parse_image_filter({"dangling=maybe"}, kImages, 0);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "invalid filter 'dangling=maybe'");
  CHECK_FALSE(parse_image_filter({"noequals"}, kImages, 0));
  CHECK_FALSE(parse_image_filter({"reference=[bad"}, kImages, 0));
  // until belongs to prune only.
  CHECK_FALSE(parse_image_filter({"until=1h"}, kImages, 0));

  int64_t now = 10'000'000'000'000;
  auto p = parse_image_filter({"until=1h", "label!=keep"}, {"until", "label!", "dangling", "label"}, now);
  REQUIRE(p);
  CHECK(p->until == now - 3600'000'000'000);
  CHECK(p->not_labels == std::vector<std::string>{"keep"});
  CHECK_FALSE(parse_image_filter({"until=1h", "until=2h"}, {"until"}, now));
  CHECK_FALSE(parse_image_filter({"until=soon"}, {"until"}, now));
}

TEST_CASE("image filter: labels, dangling and until combine with AND", "[filter]") {
  std::map<std::string, std::string> labels{{"app", "web"}, {"tier", "front"}};
  CHECK(labels_match({"app", "tier=front"}, labels));
  CHECK_FALSE(labels_match({"app", "tier=back"}, labels));
  CHECK_FALSE(labels_match({"missing"}, labels));
  CHECK(labels_match({}, labels));

  ImageFilter f;
  f.labels = {"app=web"};
  CHECK(f.keeps(labels, 5, true));
  f.dangling = true;
  CHECK_FALSE(f.keeps(labels, 5, true));
  CHECK(f.keeps(labels, 5, false));
  f.dangling = false;
  CHECK_FALSE(f.keeps(labels, 5, false));
  f.dangling.reset();
  f.until = 4;
  CHECK_FALSE(f.keeps(labels, 5, true));
  CHECK(f.keeps(labels, 4, true));
  f.until.reset();
  f.not_labels = {"app=web"};
  CHECK_FALSE(f.keeps(labels, 5, true));
  f.not_labels = {"app=db"};
  CHECK(f.keeps(labels, 5, true));
}

TEST_CASE("history: rows newest first, sizes from non-empty entries", "[history]") {
  image::ImageConfig cfg;
  cfg.diff_ids = {"sha256:a", "sha256:b"};
  cfg.history = {{"2026-01-01T00:00:00Z", "/bin/sh -c #(nop) ADD file:abc in /", "", false},
                 {"2026-01-01T00:00:01Z", "/bin/sh -c #(nop)  CMD [\"sh\"]", "", true},
                 {"", "/bin/sh -c make", "built", false}};
  auto rows = history_rows(cfg, "sha256:top", {100, 2000});
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0].id == "sha256:top");
  CHECK((*rows)[0].size == 2000);
  CHECK((*rows)[0].created == 0);
  CHECK((*rows)[0].comment == "built");
  CHECK((*rows)[1].id == "<missing>");
  CHECK((*rows)[1].size == 0);
  CHECK((*rows)[1].created == 1767225601);
  CHECK((*rows)[2].id == "<missing>");
  CHECK((*rows)[2].size == 100);

  cfg.history.push_back({"", "extra", "", false});
  CHECK_FALSE(history_rows(cfg, "sha256:top", {100, 2000}));
  cfg.history.clear();
  CHECK(history_rows(cfg, "sha256:top", {100, 2000})->empty());
}

TEST_CASE("history: Docker's columns, truncated or not, human or not", "[history]") {
  HistoryRow r{"sha256:0123456789abcdef0123", 1767225600,
               "/bin/sh -c\tapt-get update && apt-get install -y curl ca-certificates", "c", 1234567};
  int64_t now = (1767225600LL + 3 * 86400) * 1'000'000'000;
  auto j = cli::history_row_json(r, true, true, now);
  CHECK(j["ID"] == "0123456789ab");
  CHECK(j["CreatedSince"] == "3 days ago");
  CHECK(j["CreatedAt"] == "2026-01-01T00:00:00Z");
  CHECK(j["CreatedBy"] == "/bin/sh -c apt-get update && apt-get install…");
  CHECK(j["Size"] == "1.23MB");
  CHECK(j["Comment"] == "c");
  j = cli::history_row_json(r, false, false, now);
  CHECK(j["ID"] == "sha256:0123456789abcdef0123");
  CHECK(j["CreatedSince"] == "2026-01-01T00:00:00Z");
  CHECK(j["CreatedBy"] == "/bin/sh -c apt-get update && apt-get install -y curl ca-certificates");
  CHECK(j["Size"] == "1234567");
  r.id = "<missing>";
  CHECK(cli::history_row_json(r, true, true, now)["ID"] == "<missing>");
}

TEST_CASE("history: ellipsis counts characters", "[history]") {
  CHECK(cli::ellipsis("short", 45) == "short");
  CHECK(cli::ellipsis("abcdef", 4) == "abc…");
  CHECK(cli::ellipsis("héllo wörld", 6) == "héllo…");
  CHECK(cli::ellipsis("abc", 1) == "a");
  CHECK(cli::ellipsis("abc", 0) == "");
}
