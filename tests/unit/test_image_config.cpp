// The image config's HEALTHCHECK (image/config.hpp, image/healthcheck.hpp)
// and the container config that carries it (storage/container_config.hpp):
// read by type, written back in Docker's shape.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "skiff/image/config.hpp"
#include "skiff/storage/container_config.hpp"

using namespace skiff;
using nlohmann::json;

namespace {

const std::string kDiff = "sha256:" + std::string(64, '1');

json image_doc(const json &config) {
  return {{"architecture", "amd64"},
          {"os", "linux"},
          {"config", config},
          {"rootfs", {{"type", "layers"}, {"diff_ids", {kDiff}}}}};
}

std::string parse_error(const json &doc) {
  auto c = image::ImageConfig::parse(doc.dump(), "the config");
  return c ? std::string("(no error)") : c.error().message;
}

} // namespace

TEST_CASE("image config: Healthcheck is read and written back as Docker writes it", "[image]") {
  json check = {{"Test", {"CMD-SHELL", "curl -f http://localhost/ || exit 1"}},
                {"Interval", 30'000'000'000},
                {"Timeout", 3'000'000'000},
                {"StartPeriod", 5'000'000'000},
                {"StartInterval", 1'000'000'000},
                {"Retries", 3}};
  auto c = image::ImageConfig::parse(image_doc({{"Cmd", {"sh"}}, {"Healthcheck", check}}).dump(), "the config");
  REQUIRE(c);
  REQUIRE(c->config.healthcheck);
  CHECK(*c->config.healthcheck == image::Healthcheck{{"CMD-SHELL", "curl -f http://localhost/ || exit 1"},
                                                      30'000'000'000, 3'000'000'000, 5'000'000'000,
                                                      1'000'000'000, 3});
  CHECK(c->run_defaults_json()["Healthcheck"] == check);
  json written = c->to_json();
  CHECK(written["config"]["Healthcheck"] == check);
  CHECK_FALSE(written.contains("Healthcheck"));  // in config only, once
  auto again = image::ImageConfig::parse(written.dump(), "again");
  REQUIRE(again);
  CHECK(again->config.healthcheck == c->config.healthcheck);
}

TEST_CASE("image config: Healthcheck's zero fields are left out, NONE and {} kept, absent stays absent",
          "[image]") {
  auto read = [](const json &hc) {
    auto c = image::ImageConfig::parse(image_doc({{"Healthcheck", hc}}).dump(), "the config");
    REQUIRE(c);
    return *c;
  };
  CHECK(read({{"Test", {"NONE"}}}).run_defaults_json()["Healthcheck"] == json{{"Test", {"NONE"}}});
  // Go's omitempty: zeros and an empty Test are not written.
  CHECK(read({{"Test", {"CMD", "true"}}, {"Interval", 0}, {"Retries", 0}}).run_defaults_json()["Healthcheck"] ==
        json{{"Test", {"CMD", "true"}}});
  CHECK(read(json::object()).run_defaults_json()["Healthcheck"] == json::object());
  CHECK(read({{"Test", json::array()}}).run_defaults_json()["Healthcheck"] == json::object());

  auto none = read(nullptr);  // null is absent, as in Go
  CHECK_FALSE(none.config.healthcheck);
  CHECK_FALSE(none.run_defaults_json().contains("Healthcheck"));
  auto absent = image::ImageConfig::parse(image_doc({{"Cmd", {"sh"}}}).dump(), "the config");
  REQUIRE(absent);
  CHECK_FALSE(absent->config.healthcheck);
  CHECK_FALSE(absent->to_json()["config"].contains("Healthcheck"));
}

TEST_CASE("image config: a Healthcheck of the wrong type is refused, naming the field", "[image]") {
  CHECK(parse_error(image_doc({{"Healthcheck", "CMD true"}})) ==
        "the config: config.Healthcheck: expected an object, got a string");
  CHECK(parse_error(image_doc({{"Healthcheck", {{"Test", "CMD true"}}}})) ==
        "the config: config.Healthcheck.Test: expected an array, got a string");
  CHECK(parse_error(image_doc({{"Healthcheck", {{"Test", {"CMD", 5}}}}})) ==
        "the config: config.Healthcheck.Test[1]: expected a string, got a number");
  CHECK(parse_error(image_doc({{"Healthcheck", {{"Interval", "30s"}}}})) ==
        "the config: config.Healthcheck.Interval: expected an integer, got a string");
  CHECK(parse_error(image_doc({{"Healthcheck", {{"Timeout", 1.5}}}})) ==
        "the config: config.Healthcheck.Timeout: expected an integer, got a number");
  CHECK(parse_error(image_doc({{"Healthcheck", {{"Retries", 4'000'000'000}}}})) ==
        "the config: config.Healthcheck.Retries: expected an integer from -2147483648 to 2147483647, "
        "got 4000000000");
}

TEST_CASE("container config: the healthcheck round-trips; a config.json without one reads", "[storage]") {
  storage::ContainerConfig c;
  c.id = std::string(64, 'a');
  c.name = "web";
  c.healthcheck = image::Healthcheck{{"CMD", "true"}, 0, 2'000'000'000, 0, 0, 5};
  json j = c.to_json();
  CHECK(j["healthcheck"] == json{{"Test", {"CMD", "true"}}, {"Timeout", 2'000'000'000}, {"Retries", 5}});
  auto back = storage::ContainerConfig::parse(j.dump(), "config.json");
  REQUIRE(back);
  CHECK(back->healthcheck == c.healthcheck);

  // Written before healthchecks were recorded, or by an image without one.
  j.erase("healthcheck");
  back = storage::ContainerConfig::parse(j.dump(), "config.json");
  REQUIRE(back);
  CHECK_FALSE(back->healthcheck);
  c.healthcheck.reset();
  CHECK_FALSE(c.to_json().contains("healthcheck"));

  j["healthcheck"] = {{"Retries", "3"}};
  back = storage::ContainerConfig::parse(j.dump(), "config.json");
  REQUIRE_FALSE(back);
  CHECK(back.error().message == "config.json: healthcheck.Retries: expected an integer, got a string");
}

TEST_CASE("image config: config keys not modeled are kept for inspect", "[image]") {
  auto c = image::ImageConfig::parse(
      image_doc({{"Cmd", {"sh"}}, {"Image", "sha256:abc"}, {"OnBuild", {"RUN true"}}, {"Env", {"A=1"}}}).dump(), "x");
  REQUIRE(c);
  REQUIRE(c->config_extra);
  CHECK(*c->config_extra == json({{"Image", "sha256:abc"}, {"OnBuild", {"RUN true"}}}));
  c = image::ImageConfig::parse(image_doc({{"Cmd", {"sh"}}}).dump(), "x");
  REQUIRE(c);
  CHECK_FALSE(c->config_extra);
}

TEST_CASE("container config: what inspect shows as Docker round-trips", "[storage]") {
  storage::ContainerConfig c;
  c.id = "abc";
  c.name = "n";
  c.attach_stdout = c.attach_stderr = c.stdin_once = true;
  c.stop_timeout = 7;
  c.stop_timeout_set = true;
  c.mounts.push_back({"volume", "v", "/v", true, false, {}, "volume", "ro"});
  auto back = storage::ContainerConfig::parse(c.to_json().dump(), "config.json");
  REQUIRE(back);
  CHECK(back->attach_stdout);
  CHECK(back->attach_stderr);
  CHECK_FALSE(back->attach_stdin);
  CHECK(back->stdin_once);
  CHECK(back->stop_timeout_set);
  CHECK(back->mounts.at(0).origin == "volume");
  CHECK(back->mounts.at(0).mode == "ro");
  // A config written before these were recorded reads as nothing set.
  auto old = storage::ContainerConfig::parse(R"({"id":"abc","name":"n","stop_timeout":10})", "config.json");
  REQUIRE(old);
  CHECK_FALSE(old->stop_timeout_set);
  CHECK_FALSE(old->attach_stdout);
}
