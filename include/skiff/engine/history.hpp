// An image's history as docker history shows it: one row per history
// entry of its config, newest first, with the size of the layer the entry
// made.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/image/config.hpp"

namespace skiff::engine {

struct HistoryRow {
  std::string id;        // "sha256:..." for the newest row, "<missing>" below it
  int64_t created = 0;   // seconds; 0 when the entry has no time
  std::string created_by;
  std::string comment;
  int64_t size = 0;      // bytes of the entry's layer, 0 for an empty layer
};

// Pure: rows from the config and the sizes of its layers (bottom first).
Result<std::vector<HistoryRow>> history_rows(const image::ImageConfig &cfg, const std::string &image_id,
                                             const std::vector<int64_t> &layer_sizes);

Result<std::vector<HistoryRow>> image_history(Engine &eng, const storage::ImageRecord &img);

} // namespace skiff::engine
