// The writing side of compression.hpp: gzip in parallel blocks
// (gzip_blocks.hpp), zstd through libzstd, streamed in fixed-size output
// blocks.
#include <optional>
#include <vector>

#include <zstd.h>

#include "gzip_blocks.hpp"
#include "skiff/image/compression.hpp"

namespace skiff::image {

namespace {
constexpr size_t kOutBuf = 256 * 1024;
} // namespace

Result<Compression> parse_compression(std::string_view name) {
  for (auto c : {Compression::gzip, Compression::zstd, Compression::none})
    if (name == compression_name(c))
      return c;
  return make_error(Errc::invalid, "unknown compression format \"{}\": use gzip or zstd", name);
}

struct CompressingWriter::Impl {
  Compression comp;
  Sink sink;
  std::vector<char> out = std::vector<char>(kOutBuf);
  std::optional<detail::GzipBlocks> gz;
  ZSTD_CStream *zcs = nullptr;
  bool initialized = false, finished = false;

  ~Impl() {
    ZSTD_freeCStream(zcs);
  }

  Status init() {
    if (initialized)
      return {};
    initialized = true;
    if (comp == Compression::gzip) {
      gz.emplace(sink);
    } else if (comp == Compression::zstd) {
      zcs = ZSTD_createCStream();
      if (!zcs || ZSTD_isError(ZSTD_initCStream(zcs, ZSTD_CLEVEL_DEFAULT)))
        return make_error(Errc::failed, "initializing zstd compression");
    }
    return {};
  }

  Status zstd(const void *data, size_t len, bool end) {
    ZSTD_inBuffer in{data, len, 0};
    for (;;) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      size_t r = ZSTD_compressStream2(zcs, &ob, &in, end ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(r))
        return make_error(Errc::failed, "zstd compression failed: {}", ZSTD_getErrorName(r));
      if (ob.pos)
        TRY_STATUS(sink({out.data(), ob.pos}));
      // With e_end, 0 means the frame is complete; else all input taken.
      if (end ? r == 0 : in.pos == in.size)
        return {};
    }
  }

  Status run(const void *data, size_t len, bool end) {
    switch (comp) {
    case Compression::gzip:
      return end ? gz->finish() : gz->write(data, len);
    case Compression::zstd:
      return zstd(data, len, end);
    case Compression::none:
      break;
    }
    return len ? sink({static_cast<const char *>(data), len}) : Status{};
  }
};

CompressingWriter::CompressingWriter(Compression c, Sink sink)
    : impl_(std::make_unique<Impl>()) {
  impl_->comp = c;
  impl_->sink = std::move(sink);
}

CompressingWriter::~CompressingWriter() = default;

Status CompressingWriter::write(const void *data, size_t len) {
  TRY_STATUS(impl_->init());
  return len ? impl_->run(data, len, false) : Status{};
}

Status CompressingWriter::finish() {
  if (impl_->finished)
    return {};
  impl_->finished = true;
  TRY_STATUS(impl_->init());
  return impl_->run(nullptr, 0, true);
}

} // namespace skiff::image
