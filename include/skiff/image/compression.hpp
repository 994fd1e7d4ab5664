// Streaming decompression of layer blobs: the format (gzip, zstd or none) is
// detected from the first bytes, never trusted from a media type. And the
// other way, for push: compression of a layer's tar as it is produced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::image {

enum class Compression { none, gzip, zstd };

std::string_view compression_name(Compression c);
// "gzip", "zstd" or "none", as compression_name spells them.
Result<Compression> parse_compression(std::string_view name);

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

// Compresses a stream with gzip or zstd (their default levels, as Docker
// and podman use) as it is written, handing the compressed bytes to a sink.
class CompressingWriter {
public:
  using Sink = std::function<Status(std::string_view compressed)>;
  CompressingWriter(Compression c, Sink sink);
  ~CompressingWriter();
  CompressingWriter(const CompressingWriter &) = delete;
  CompressingWriter &operator=(const CompressingWriter &) = delete;

  Status write(const void *data, size_t len);
  // Ends the stream (gzip trailer, zstd frame epilogue); call once.
  Status finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace skiff::image
