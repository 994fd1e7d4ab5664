// Internal to the engine: how a new image enters the image index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/storage/store.hpp"

namespace skiff::engine {

// Adds `name` (a full reference) to image `id`, taking it from any other image.
void assign_name(std::vector<storage::ImageRecord> &list, const std::string &id,
                 const std::string &name);

// An image whose config blob and layers are stored, to be recorded.
struct NewImage {
  std::string id;                   // hex of the config digest
  std::vector<std::string> chains;  // its layers, bottom first
  int64_t size = 0;
  int64_t created = 0;              // ns
  std::vector<std::string> names;   // full references
};
// Records `img` in the index (kept as it is when already there) with its names.
void add_image(std::vector<storage::ImageRecord> &list, const NewImage &img);

} // namespace skiff::engine
