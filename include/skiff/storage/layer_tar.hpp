// A stored layer's tar, byte for byte as it was read (image/tar_split.hpp),
// for save (and push).
#pragma once

#include <cstdint>
#include <string>

#include "skiff/image/tar_split.hpp"
#include "skiff/storage/store.hpp"

namespace skiff::storage {

Result<uint64_t> layer_tar_size(const Store &store, const std::string &chain_id);
// Fails, naming the layer, when its files no longer give its diff ID.
Status write_layer_tar(const Store &store, const std::string &chain_id, const image::ByteSink &sink);

} // namespace skiff::storage
