// Images as Docker shows them: rows of "images" and ImageInspect JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "skiff/engine/info.hpp"

namespace skiff::cli {

// Docker's GraphDriver object, for images and containers: Data is null
// when the driver has no directories to show.
nlohmann::json graph_driver_json(const engine::GraphDriver &g);
nlohmann::json image_inspect_json(engine::Engine &eng, const engine::ImageRecord &img);

} // namespace skiff::cli
