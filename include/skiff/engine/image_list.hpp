// Listing and pruning images through Docker's filters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/engine/image_filter.hpp"

namespace skiff::engine {

struct ListedImage {
  storage::ImageRecord image;
  std::vector<std::string> names; // its full names the reference filter kept
};

// The images `images` shows, newest first. An image none of whose names a
// reference filter keeps is left out; one without names has none here.
Result<std::vector<ListedImage>> list_images(Engine &eng, const ImageFilter &f);

struct PruneReport {
  std::vector<std::string> lines; // "untagged: NAME", "deleted: sha256:ID"
  uint64_t reclaimed = 0;         // bytes of the layers removed with them
};

// Removes the images the filter keeps that no container (running or not)
// uses. As in docker image prune, dangling=true (the default) means only
// images without a name, dangling=false all of them.
Result<PruneReport> prune_images(Engine &eng, const ImageFilter &f);

} // namespace skiff::engine
