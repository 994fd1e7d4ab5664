// Tar-split files: written (zstd) while a layer is extracted, read back to
// write the layer's tar again from its extracted files.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include <zstd.h>

#include "skiff/image/compression.hpp"
#include "skiff/image/tar_split.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::image {

namespace {

constexpr char kMagic[8] = {'s', 'k', 't', 's', 'p', 'l', 't', '1'};
constexpr size_t kHeader = 16;
constexpr size_t kBuf = 256 * 1024;

} // namespace

struct TarSplitWriter::Impl {
  int fd;
  ZSTD_CCtx *cctx = ZSTD_createCCtx();
  std::vector<char> out = std::vector<char>(ZSTD_CStreamOutSize());
  std::optional<Error> err;
  TarSplitRecorder rec{[this](std::string_view s) { compress(s, ZSTD_e_continue); }};

  explicit Impl(int f) : fd(f) {
    if (!cctx)
      err = make_error(Errc::failed, "initializing zstd compression");
    else if (::lseek(fd, kHeader, SEEK_SET) < 0)
      err = sys_error("seeking in the layer's tar-split");
  }
  ~Impl() { ZSTD_freeCCtx(cctx); }

  void compress(std::string_view s, ZSTD_EndDirective mode) {
    if (err)
      return;
    ZSTD_inBuffer in{s.data(), s.size(), 0};
    for (;;) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      size_t left = ZSTD_compressStream2(cctx, &ob, &in, mode);
      if (ZSTD_isError(left)) {
        err = make_error(Errc::failed, "compressing the layer's tar-split: {}", ZSTD_getErrorName(left));
        return;
      }
      if (auto st = fs::write_all(fd, {out.data(), ob.pos}, "the layer's tar-split"); !st) {
        err = std::move(st).error();
        return;
      }
      bool done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
      if (done)
        return;
    }
  }
};

TarSplitWriter::TarSplitWriter(int fd) : impl_(std::make_unique<Impl>(fd)) {}
TarSplitWriter::~TarSplitWriter() = default;

void TarSplitWriter::feed(const uint8_t *data, size_t len) { impl_->rec.feed(data, len); }

Status TarSplitWriter::finish() {
  impl_->rec.finish();
  impl_->compress({}, ZSTD_e_end);
  if (impl_->err)
    return *impl_->err;
  char header[kHeader];
  std::memcpy(header, kMagic, sizeof kMagic);
  uint64_t size = impl_->rec.stream_size();
  for (int i = 0; i < 8; i++)
    header[8 + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  if (::pwrite(impl_->fd, header, kHeader, 0) != static_cast<ssize_t>(kHeader))
    return sys_error("writing the layer's tar-split");
  return {};
}

Result<uint64_t> tar_split_size(int fd) {
  uint8_t header[kHeader];
  ssize_t n = ::pread(fd, header, kHeader, 0);
  if (n < 0)
    return sys_error("reading the layer's tar-split");
  if (n != static_cast<ssize_t>(kHeader) || std::memcmp(header, kMagic, sizeof kMagic) != 0)
    return make_error(Errc::failed, "the layer's tar-split is corrupt");
  uint64_t size = 0;
  for (int i = 7; i >= 0; i--)
    size = (size << 8) | header[8 + i];
  return size;
}

namespace {

// Reads records from the decompressed split.
class RecordReader {
public:
  explicit RecordReader(int fd) : in_(fd, false) {}

  // The next record type, or 0 at the end.
  Result<char> type() {
    if (TRY(fill(1)) == 0)
      return char{0};
    return static_cast<char>(buf_[pos_++]);
  }

  Result<uint64_t> varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (TRY(fill(1)) == 0)
        break;
      uint8_t b = buf_[pos_++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
    return corrupt();
  }

  // Passes the next n bytes to f in pieces.
  template <typename F> Status bytes(uint64_t n, F &&f) {
    while (n > 0) {
      size_t have = TRY(fill(1));
      if (have == 0)
        return corrupt();
      size_t take = static_cast<size_t>(std::min<uint64_t>(n, have));
      TRY_STATUS(f(buf_.data() + pos_, take));
      pos_ += take;
      n -= take;
    }
    return {};
  }

  static Error corrupt() { return make_error(Errc::failed, "the layer's tar-split is corrupt"); }

private:
  // Makes at least `want` bytes available unless the input ends; returns
  // how many are.
  Result<size_t> fill(size_t want) {
    if (len_ - pos_ >= want)
      return len_ - pos_;
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
    while (len_ < want) {
      size_t n = TRY(in_.read(buf_.data() + len_, buf_.size() - len_));
      if (n == 0)
        break;
      len_ += n;
    }
    return len_;
  }

  DecompressingReader in_;
  std::vector<uint8_t> buf_ = std::vector<uint8_t>(kBuf);
  size_t pos_ = 0, len_ = 0;
};

Status copy_file(int root_fd, const std::string &path, uint64_t size, const ByteSink &out,
                 std::vector<char> &buf) {
  auto fd = fs::open_in_root(root_fd, path, O_RDONLY | O_NOFOLLOW);
  struct stat st;
  if (!fd || ::fstat(fd->get(), &st) < 0 || !S_ISREG(st.st_mode) ||
      static_cast<uint64_t>(st.st_size) != size)
    return make_error(Errc::failed, "the layer's file /{} no longer matches its tar", path);
  while (size > 0) {
    ssize_t n = ::read(fd->get(), buf.data(), static_cast<size_t>(std::min<uint64_t>(size, buf.size())));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("reading /{} of the layer", path);
    if (n == 0)
      return make_error(Errc::failed, "the layer's file /{} no longer matches its tar", path);
    TRY_STATUS(out(buf.data(), static_cast<size_t>(n)));
    size -= static_cast<uint64_t>(n);
  }
  return {};
}

} // namespace

Status write_split_tar(int split_fd, int root_fd, const std::string &diff_id, const ByteSink &sink) {
  uint64_t want = TRY(tar_split_size(split_fd));
  if (::lseek(split_fd, kHeader, SEEK_SET) < 0)
    return sys_error("reading the layer's tar-split");
  Sha256 hash;
  uint64_t written = 0;
  ByteSink out = [&](const void *p, size_t n) -> Status {
    hash.update(p, n);
    written += n;
    return sink(p, n);
  };
  RecordReader rd(split_fd);
  std::vector<char> buf(kBuf);
  for (;;) {
    char t = TRY(rd.type());
    if (t == 0)
      break;
    if (t == 'R') {
      uint64_t n = TRY(rd.varint());
      TRY_STATUS(rd.bytes(n, [&](const uint8_t *p, size_t k) { return out(p, k); }));
    } else if (t == 'F') {
      uint64_t plen = TRY(rd.varint());
      if (plen > 65536)
        return RecordReader::corrupt();
      std::string path;
      TRY_STATUS(rd.bytes(plen, [&](const uint8_t *p, size_t k) -> Status {
        path.append(reinterpret_cast<const char *>(p), k);
        return {};
      }));
      uint64_t size = TRY(rd.varint());
      TRY_STATUS(copy_file(root_fd, path, size, out, buf));
    } else {
      return RecordReader::corrupt();
    }
  }
  if (written != want || hash.digest() != diff_id)
    return make_error(Errc::failed, "the layer's files no longer give its tar (diff ID {})", diff_id);
  return {};
}

} // namespace skiff::image
