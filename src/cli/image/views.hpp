// Images as Docker shows them: rows of "images" and ImageInspect JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "skiff/engine/engine.hpp"

namespace skiff::cli {

nlohmann::json image_inspect_json(engine::Engine &eng, const storage::ImageRecord &img);

} // namespace skiff::cli
