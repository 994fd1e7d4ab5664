// Sizes as Docker prints and parses them (docker/go-units).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::units {

// HumanSizeWithPrecision(size, 3): decimal units, 3 significant digits:
// "7.8MB", "1.23GB", "512B". HumanSize is precision 4.
std::string human_size(double bytes, int precision = 3);
// RAMInBytes: "512m", "1g", "1024", "64MiB"; binary units; nullopt if bad.
std::optional<int64_t> parse_ram(std::string_view s);

} // namespace skiff::units
