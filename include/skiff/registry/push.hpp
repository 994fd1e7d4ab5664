// Sending one image from the store to a registry: each layer's exact tar
// (storage/layer_tar.hpp), compressed while it streams, unless the
// repository has a blob of it already or the registry can mount one from
// a sibling repository (what storage/blob_info.hpp remembers); then the
// config and the manifest, tagged.
#pragma once

#include <string>
#include <vector>

#include "skiff/image/compression.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/registry/client.hpp"
#include "skiff/registry/manifest.hpp"
#include "skiff/registry/pull.hpp"
#include "skiff/storage/store.hpp"
#include "skiff/util/result.hpp"

namespace skiff::registry {

struct PushOptions {
  ManifestFormat format = ManifestFormat::docker;
  image::Compression compression = image::Compression::gzip;
  int parallel = 3;  // layers uploaded at once
};

// An image of the store.
struct PushSource {
  std::string config;                 // the config blob, byte for byte
  std::vector<std::string> diff_ids;  // bottom first, from the config
  std::vector<std::string> chains;    // the stored layers, bottom first
};

struct PushedImage {
  std::string digest;  // of the manifest
  size_t size = 0;     // of the manifest
};

// Pushes `src` to `dest` (its tag). Progress in docker push's words, per
// layer (short diff ID): "Preparing", "Pushing", "Pushed", "Layer already
// exists", "Mounted from <path>". The caller holds the store's layer-adds
// lock so the layers stay while they are read.
Result<PushedImage> push_image(storage::Store &store, Client &client, const image::Reference &dest,
                               const PushSource &src, const PushOptions &opts,
                               const LayerProgress &progress);

} // namespace skiff::registry
