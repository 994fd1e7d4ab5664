// inspect's values as Docker's CLI and daemon record them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "skiff/cli/inspect_values.hpp"

using namespace skiff;
using Strings = std::vector<std::string>;

TEST_CASE("inspect: CapAdd and CapDrop as docker/cli records them", "[inspect]") {
  auto caps = cli::docker_caps({"net_admin", " sys_time ", "CAP_NET_ADMIN"}, {"chown", "Net_Admin", "CAP_KILL"});
  CHECK(caps.add == Strings{"CAP_NET_ADMIN", "CAP_SYS_TIME"});
  CHECK(caps.drop == Strings{"CAP_CHOWN", "CAP_KILL"});
  // ALL stands alone, as it is.
  caps = cli::docker_caps({"all", "chown"}, {"ALL"});
  CHECK(caps.add == Strings{"ALL"});
  CHECK(caps.drop.empty());
  caps = cli::docker_caps({"chown"}, {"all", "kill"});
  CHECK(caps.add == Strings{"CAP_CHOWN"});
  CHECK(caps.drop == Strings{"ALL"});
  caps = cli::docker_caps({}, {});
  CHECK(caps.add.empty());
  CHECK(caps.drop.empty());
}

TEST_CASE("inspect: MemorySwap is twice --memory unless given", "[inspect]") {
  engine::Limits l;
  CHECK(cli::docker_memory_swap(l) == 0);
  l.memory = 64 << 20;
  CHECK(cli::docker_memory_swap(l) == 128 << 20);
  l.memory_swap = 0;
  CHECK(cli::docker_memory_swap(l) == 128 << 20);
  l.memory_swap = -1;
  CHECK(cli::docker_memory_swap(l) == -1);
  l.memory_swap = 100 << 20;
  CHECK(cli::docker_memory_swap(l) == 100 << 20);
}

TEST_CASE("inspect: a Config has every key Docker always emits", "[inspect]") {
  auto j = cli::docker_config_json(nlohmann::json::object());
  CHECK(j.size() == 17);
  CHECK(j["Env"].is_null());
  CHECK(j["Labels"].is_null());
  CHECK(j["Image"] == "");
  CHECK(j["AttachStdout"] == false);
  CHECK_FALSE(j.contains("StopSignal"));
  // What the image says, over them; the omitempty ones only when given.
  j = cli::docker_config_json({{"Cmd", {"sh"}}, {"Image", "sha256:abc"}, {"StopSignal", "SIGQUIT"}});
  CHECK(j.size() == 18);
  CHECK(j["Cmd"] == nlohmann::json({"sh"}));
  CHECK(j["Image"] == "sha256:abc");
  CHECK(j["StopSignal"] == "SIGQUIT");
  CHECK(cli::docker_config_json(nullptr).size() == 17);
}
