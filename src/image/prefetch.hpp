// Internal to the image module: runs decompression and hashing on a second
// thread, so inflate overlaps with the file system work of extraction
// (together they cost about the sum of both on one thread).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "skiff/image/compression.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/result.hpp"

namespace skiff::image::detail {

class Prefetcher {
public:
  // Sees every decompressed byte in order, on the reading thread.
  using Tap = std::function<void(const uint8_t *, size_t)>;
  // Reads `in` to its very end; hashes the decompressed bytes into out_hash
  // when given and the stream turns out to be compressed, and passes them
  // to `tap` when given. None of them may be touched by the caller until
  // finish() returned or the object is gone.
  Prefetcher(DecompressingReader &in, Sha256 *out_hash, size_t chunk, Tap tap = {});
  ~Prefetcher();
  Prefetcher(const Prefetcher &) = delete;
  Prefetcher &operator=(const Prefetcher &) = delete;

  struct Chunk {
    const uint8_t *data;
    size_t size; // 0 at the end
  };
  // The next chunk; it stays valid until the following call.
  Result<Chunk> next();
  // Consumes what is left and waits for the thread.
  Status finish();

private:
  static constexpr size_t kSlots = 4;
  void run();
  void stop();

  DecompressingReader &in_;
  Sha256 *out_hash_;
  size_t chunk_;
  Tap tap_;
  std::unique_ptr<uint8_t[]> data_[kSlots];
  size_t size_[kSlots] = {};
  size_t head_ = 0, filled_ = 0;
  bool held_ = false; // the consumer still reads slot head_
  bool done_ = false, cancel_ = false;
  std::optional<Error> err_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

} // namespace skiff::image::detail
