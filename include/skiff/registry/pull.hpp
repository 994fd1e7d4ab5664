// Fetching one image from a registry into the store: manifest (through an
// index to the platform's image), config, and the layers the store lacks,
// downloaded a few at a time and extracted while they stream. Every blob
// is verified; nothing of an image whose content is wrong is kept.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "skiff/image/reference.hpp"
#include "skiff/registry/client.hpp"
#include "skiff/registry/manifest.hpp"
#include "skiff/storage/store.hpp"
#include "skiff/util/result.hpp"

namespace skiff::registry {

struct PullOptions {
  Platform platform = Platform::host();
  bool platform_given = false;  // --platform: a single image must match it too
  int parallel = 3;             // layers downloaded at once, as Docker does
};

// One layer's progress in Docker's words: "Pulling fs layer",
// "Downloading" (with bytes), "Already exists", "Pull complete"; a push's
// "Preparing", "Pushing" (also with bytes), "Pushed", ... A layer is
// extracted while it downloads, so there is no separate "Extracting".
struct LayerStatus {
  std::string id;        // the layer's short ID
  std::string status;
  int64_t current = 0;   // bytes done and in all, for the statuses that count
  int64_t total = 0;
};
// Called from download (or upload) threads, one call at a time.
using LayerProgress = std::function<void(const LayerStatus &)>;

struct PulledImage {
  std::string manifest_digest;  // of what the reference named (an index's own digest)
  std::string config_digest;    // the image ID
  std::vector<std::string> chains;
  int64_t size = 0;
  std::string created;          // from the config
};

// The caller holds the store's layer-adds lock until the image is recorded.
Result<PulledImage> pull_image(storage::Store &store, Client &client, const image::Reference &ref,
                               const PullOptions &opts, const LayerProgress &progress);

} // namespace skiff::registry
