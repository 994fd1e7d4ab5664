// The writing side of compression.hpp: gzip through zlib, zstd through
// libzstd, streamed in fixed-size output blocks.
#include <vector>

#include <zlib.h>
#include <zstd.h>

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
  z_stream zs{};
  bool zs_init = false;
  ZSTD_CStream *zcs = nullptr;
  bool initialized = false, finished = false;

  ~Impl() {
    if (zs_init)
      deflateEnd(&zs);
    ZSTD_freeCStream(zcs);
  }

  Status init() {
    if (initialized)
      return {};
    initialized = true;
    if (comp == Compression::gzip) {
      // 16 + window bits: a gzip header and trailer, not a zlib one.
      if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                       Z_DEFAULT_STRATEGY) != Z_OK)
        return make_error(Errc::failed, "initializing gzip compression");
      zs_init = true;
    } else if (comp == Compression::zstd) {
      zcs = ZSTD_createCStream();
      if (!zcs || ZSTD_isError(ZSTD_initCStream(zcs, ZSTD_CLEVEL_DEFAULT)))
        return make_error(Errc::failed, "initializing zstd compression");
    }
    return {};
  }

  // Runs the compressor over `data` (flushing it all with `end`).
  Status gzip(const void *data, size_t len, bool end) {
    zs.next_in = static_cast<Bytef *>(const_cast<void *>(data));
    zs.avail_in = static_cast<uInt>(len);
    for (;;) {
      zs.next_out = reinterpret_cast<Bytef *>(out.data());
      zs.avail_out = static_cast<uInt>(out.size());
      int r = deflate(&zs, end ? Z_FINISH : Z_NO_FLUSH);
      if (r == Z_STREAM_ERROR)
        return make_error(Errc::failed, "gzip compression failed");
      if (size_t n = out.size() - zs.avail_out)
        TRY_STATUS(sink({out.data(), n}));
      if (end ? r == Z_STREAM_END : zs.avail_in == 0 && zs.avail_out != 0)
        return {};
    }
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
      return gzip(data, len, end);
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
