// Values of inspect's JSON as Docker records them, where Docker's CLI or
// daemon turns what was asked for into something else. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/engine/types.hpp"

namespace skiff::cli {

// HostConfig.CapAdd and CapDrop, as docker/cli's EffectiveCapAddCapDrop:
// upper case with CAP_ (ALL as it is, alone), sorted, each once; one both
// added and dropped is only added.
struct DockerCaps {
  std::vector<std::string> add, drop;
};
DockerCaps docker_caps(const std::vector<std::string> &add, const std::vector<std::string> &drop);

// HostConfig.MemorySwap: the one given, else twice --memory (moby's
// adaptContainerSettings), else 0.
int64_t docker_memory_swap(const engine::Limits &l);

// Docker's container.Config as inspect shows it: `given`'s keys over
// Docker's empty values for those it always emits.
nlohmann::json docker_config_json(const nlohmann::json &given);

} // namespace skiff::cli
