// Safe, streaming extraction of layer tarballs into the layer store and of
// image archives (docker-archive, oci-archive) into a scratch directory.
#pragma once

#include <cstdint>
#include <string>

#include "skiff/image/compression.hpp"
#include "skiff/util/result.hpp"

namespace skiff::image {

struct LayerApplyOptions {
  // true: write whiteouts the way overlayfs reads them (".wh.NAME" -> char
  // device 0/0 named NAME; ".wh..wh..opq" -> xattr overlay.opaque="y" on the
  // dir, "user." prefixed when userxattr is set, else "trusted.") because
  // each layer has its own diff dir that overlay stacks;
  // false: apply whiteouts by deleting the named path in dest (a flattened
  // copy, as the "vfs" fallback driver keeps).
  bool overlay_whiteouts = true;
  bool userxattr = false;
  // When set, the tar's layout is recorded in this file (tar_split.hpp), so
  // the layer's exact tar can be written again from the extracted files.
  int tar_split_fd = -1;
};

struct LayerInfo {
  std::string diff_id;          // sha256 of the uncompressed tar stream
  std::string digest;           // sha256 of the bytes read from the input
  uint64_t compressed_size = 0; // bytes read from the input
  uint64_t size = 0;            // sum of the regular file sizes extracted
  Compression compression = Compression::none;
};

// Reads a layer (gzip, zstd or plain tar, detected by magic bytes) from
// input_fd in one pass and applies it onto dest_dir_fd. Every path resolves
// inside dest; entries that would climb out fail the whole layer, and the
// caller deletes the partial directory. Nothing is fsynced here.
Result<LayerInfo> apply_layer(int input_fd, int dest_dir_fd,
                              const LayerApplyOptions &opts);

// Extracts an image archive (plain or compressed tar of directories and
// regular files only) into the existing directory dest_dir; links and
// device nodes are refused.
Status extract_archive(int input_fd, const std::string &dest_dir);

} // namespace skiff::image
