// Internal to the image module: gzip compression for push, fast enough that
// the network, not deflate, sets a push's pace. The stream is cut into
// fixed blocks, each compressed as an independent gzip member by libdeflate
// on one thread per CPU (at most kMaxThreads). Several members in a row are
// one valid gzip stream (RFC 1952; pigz --independent and eStargz write
// them, every reader takes them). Blocks end at fixed input offsets, so a
// layer always compresses to the same blob however it is written.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

struct libdeflate_compressor;

namespace skiff::image::detail {

class GzipBlocks {
public:
  using Sink = std::function<Status(std::string_view compressed)>;
  static constexpr size_t kBlock = 1 << 20;
  static constexpr unsigned kMaxThreads = 4;

  // `threads` 0: one per CPU this process may run on, up to kMaxThreads.
  explicit GzipBlocks(Sink sink, unsigned threads = 0);
  ~GzipBlocks();
  GzipBlocks(const GzipBlocks &) = delete;
  GzipBlocks &operator=(const GzipBlocks &) = delete;

  // The sink is called on the writing thread, in stream order.
  Status write(const void *data, size_t len);
  Status finish();

private:
  struct Buffers {
    std::vector<char> in, out;
  };
  struct Job {
    Buffers buf;
    std::future<size_t> size; // compressed bytes in buf.out; 0: failed
  };
  Status submit();
  Status collect();

  Sink sink_;
  std::vector<libdeflate_compressor *> compressors_;
  Buffers cur_;
  std::vector<Buffers> spare_;
  std::deque<Job> jobs_;
  size_t submitted_ = 0;
};

} // namespace skiff::image::detail
