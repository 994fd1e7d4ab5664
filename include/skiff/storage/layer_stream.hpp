// A layer made on the fly (a container's changes) added to the store as it
// is written, without a temporary file.
#pragma once

#include <functional>
#include <string>

#include "skiff/image/tar_split.hpp"
#include "skiff/storage/store.hpp"

namespace skiff::storage {

// Writes the whole tar into the sink it is given.
using LayerProducer = std::function<Status(const image::ByteSink &)>;

// Runs `produce` on a thread of its own, feeding Store::add_layer on top
// of `parent` through a socket pair. The caller holds lock_layer_adds.
Result<LayerRecord> add_layer_stream(Store &store, const std::string &parent, const LayerProducer &produce);

} // namespace skiff::storage
