// Streaming decompression of layer blobs: the format (gzip, zstd or none) is
// detected from the first bytes, never trusted from a media type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::image {

enum class Compression { none, gzip, zstd };

std::string_view compression_name(Compression c);

// Reads a possibly compressed stream from an fd it does not own and yields
// the decompressed bytes, hashing the raw input on the way so a blob's
// digest costs no second pass.
class DecompressingReader {
public:
  explicit DecompressingReader(int fd, bool hash_input = true);
  ~DecompressingReader();
  DecompressingReader(const DecompressingReader &) = delete;
  DecompressingReader &operator=(const DecompressingReader &) = delete;

  // Fills buf with up to cap decompressed bytes; 0 means the end. The first
  // call detects the format. Multi-member gzip and multi-frame zstd streams
  // are read whole; truncated or corrupt input is an error.
  Result<size_t> read(void *buf, size_t cap);

  Compression compression() const;
  uint64_t input_size() const;
  // "sha256:..." of every byte read from the fd; call once, after the end.
  std::string input_digest();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace skiff::image
