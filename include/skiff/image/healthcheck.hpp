// HEALTHCHECK as Docker records it in an image's config and a container's
// (moby's HealthConfig): what to run to probe a container, and how often.
// Plain data with Docker's JSON form, read by type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace skiff {
class JsonField;
}

namespace skiff::image {

struct Healthcheck {
  // {"NONE"}: checks off; {"CMD", arg...}: run directly; {"CMD-SHELL",
  // command}: run by the shell; empty: inherit.
  std::vector<std::string> test;
  // Nanoseconds, as Go's time.Duration; 0 inherits (or Docker's default).
  int64_t interval = 0;
  int64_t timeout = 0;
  int64_t start_period = 0;
  int64_t start_interval = 0;
  int retries = 0;  // 0 inherits

  bool operator==(const Healthcheck &) const = default;

  // {"Test": [...], "Interval": ns, ...}, each field left out when empty
  // or 0, as Go's omitempty writes it.
  nlohmann::json to_json() const;
  // That object; none when `f` is absent or null. A field of the wrong
  // type is recorded in `f`'s document, naming it.
  static std::optional<Healthcheck> read(const JsonField &f);
};

} // namespace skiff::image
