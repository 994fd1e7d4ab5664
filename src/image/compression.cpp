#include "skiff/image/compression.hpp"

#include <unistd.h>

#include <cstring>
#include <vector>

#include <zlib.h>
#include <zstd.h>

#include "skiff/util/digest.hpp"

namespace skiff::image {

namespace {
constexpr size_t kInBuf = 256 * 1024;
} // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
  case Compression::gzip:
    return "gzip";
  case Compression::zstd:
    return "zstd";
  case Compression::none:
    break;
  }
  return "none";
}

struct DecompressingReader::Impl {
  int fd;
  bool hash;
  Sha256 hasher;
  uint64_t in_size = 0;
  std::vector<uint8_t> in = std::vector<uint8_t>(kInBuf);
  size_t in_pos = 0, in_len = 0;
  bool in_eof = false;
  bool detected = false;
  Compression comp = Compression::none;
  z_stream zs{};
  bool zs_init = false;
  // Inside a gzip member or zstd frame: ending here means truncation.
  bool mid_stream = false;
  ZSTD_DStream *zds = nullptr;

  Impl(int f, bool h) : fd(f), hash(h) {}
  ~Impl() {
    if (zs_init)
      inflateEnd(&zs);
    ZSTD_freeDStream(zds);
  }

  Result<size_t> raw_read(void *buf, size_t cap) {
    for (;;) {
      ssize_t n = ::read(fd, buf, cap);
      if (n >= 0) {
        if (hash)
          hasher.update(buf, static_cast<size_t>(n));
        in_size += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno != EINTR)
        return sys_error("reading layer stream");
    }
  }

  // Appends input after the unconsumed bytes; sets in_eof at the end.
  Status fill() {
    if (in_pos > 0) {
      std::memmove(in.data(), in.data() + in_pos, in_len - in_pos);
      in_len -= in_pos;
      in_pos = 0;
    }
    size_t n = TRY(raw_read(in.data() + in_len, in.size() - in_len));
    if (n == 0)
      in_eof = true;
    in_len += n;
    return {};
  }

  Status detect() {
    while (in_len < 6 && !in_eof)
      TRY_STATUS(fill());
    const uint8_t *p = in.data();
    auto starts = [&](std::initializer_list<uint8_t> magic) {
      return in_len >= magic.size() && std::equal(magic.begin(), magic.end(), p);
    };
    if (starts({0x1f, 0x8b})) {
      comp = Compression::gzip;
      if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return make_error(Errc::failed, "initializing gzip decompression");
      zs_init = true;
    } else if (starts({0x28, 0xb5, 0x2f, 0xfd})) {
      comp = Compression::zstd;
      zds = ZSTD_createDStream();
      if (!zds)
        return make_error(Errc::failed, "initializing zstd decompression");
    } else if (starts({0xfd, '7', 'z', 'X', 'Z', 0x00}) || starts({'B', 'Z', 'h'})) {
      return make_error(Errc::invalid, "unsupported layer compression (xz or bzip2)");
    }
    detected = true;
    return {};
  }

  // One decompression step into buf; returns the bytes produced (maybe 0).
  Result<size_t> step(void *buf, size_t cap) {
    size_t avail = in_len - in_pos;
    if (avail == 0 && !mid_stream)
      return size_t{0};
    if (comp == Compression::gzip) {
      zs.next_in = in.data() + in_pos;
      zs.avail_in = static_cast<uInt>(avail);
      zs.next_out = static_cast<Bytef *>(buf);
      zs.avail_out = static_cast<uInt>(cap);
      mid_stream = true;
      int r = inflate(&zs, Z_NO_FLUSH);
      in_pos += avail - zs.avail_in;
      if (r == Z_STREAM_END) {
        // Another member may follow, as pigz and `cat a.gz b.gz` produce.
        mid_stream = false;
        inflateReset(&zs);
      } else if (r != Z_OK && r != Z_BUF_ERROR) {
        return make_error(Errc::invalid, "corrupt gzip layer stream: {}",
                          zs.msg ? zs.msg : "inflate failed");
      }
      return cap - zs.avail_out;
    }
    ZSTD_inBuffer ib{in.data() + in_pos, avail, 0};
    ZSTD_outBuffer ob{buf, cap, 0};
    size_t r = ZSTD_decompressStream(zds, &ob, &ib);
    in_pos += ib.pos;
    if (ZSTD_isError(r))
      return make_error(Errc::invalid, "corrupt zstd layer stream: {}",
                        ZSTD_getErrorName(r));
    // 0 means a frame ended and everything was flushed.
    mid_stream = r != 0;
    return ob.pos;
  }
};

DecompressingReader::DecompressingReader(int fd, bool hash_input)
    : impl_(std::make_unique<Impl>(fd, hash_input)) {}
DecompressingReader::~DecompressingReader() = default;

Result<size_t> DecompressingReader::read(void *buf, size_t cap) {
  Impl &m = *impl_;
  if (!m.detected)
    TRY_STATUS(m.detect());
  if (m.comp == Compression::none) {
    if (m.in_pos < m.in_len) {
      size_t n = std::min(cap, m.in_len - m.in_pos);
      std::memcpy(buf, m.in.data() + m.in_pos, n);
      m.in_pos += n;
      return n;
    }
    return m.raw_read(buf, cap);
  }
  for (;;) {
    if (m.in_pos == m.in_len && !m.in_eof)
      TRY_STATUS(m.fill());
    size_t n = TRY(m.step(buf, cap));
    if (n > 0)
      return n;
    if (m.in_pos == m.in_len && m.in_eof) {
      if (m.mid_stream)
        return make_error(Errc::invalid, "truncated {} layer stream",
                          compression_name(m.comp));
      return size_t{0};
    }
  }
}

Compression DecompressingReader::compression() const { return impl_->comp; }
uint64_t DecompressingReader::input_size() const { return impl_->in_size; }
std::string DecompressingReader::input_digest() { return impl_->hasher.digest(); }

} // namespace skiff::image
