#include "tar_stream.hpp"

#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

namespace skiff::image::detail {

TarStream::TarStream(int fd, bool hash, std::string what, Prefetcher::Tap tap)
    : in_(fd, hash), hash_(hash), what_(std::move(what)), tap_(std::move(tap)) {}

TarStream::~TarStream() {
  if (ar_)
    archive_read_free(ar_);
}

ssize_t TarStream::read_cb(archive *a, void *self, const void **out) {
  auto *t = static_cast<TarStream *>(self);
  auto c = t->prefetch_->next();
  if (!c) {
    t->read_err_ = std::move(c).error();
    archive_set_error(a, EIO, "%s", t->read_err_->message.c_str());
    return -1;
  }
  *out = c->data;
  t->bytes_read_ += static_cast<int64_t>(c->size);
  return static_cast<ssize_t>(c->size);
}

// Prefers the reader's own error over libarchive's copy of it.
Error TarStream::failure() {
  if (read_err_)
    return *read_err_;
  const char *msg = archive_error_string(ar_);
  return make_error(Errc::invalid, "reading {} tar: {}", what_,
                    msg ? msg : "unknown error");
}

Status TarStream::open() {
  ar_ = archive_read_new();
  if (!ar_)
    return make_error(Errc::failed, "allocating tar reader");
  prefetch_ = std::make_unique<Prefetcher>(in_, hash_ ? &out_hash_ : nullptr, kStreamBuf, tap_);
  // Only tar: decompression happens before libarchive sees the bytes.
  archive_read_support_format_tar(ar_);
  if (archive_read_open(ar_, this, nullptr, read_cb, nullptr) != ARCHIVE_OK)
    return failure();
  return {};
}

Result<archive_entry *> TarStream::next() {
  archive_entry *e = nullptr;
  int r = archive_read_next_header(ar_, &e);
  if (r == ARCHIVE_EOF)
    return static_cast<archive_entry *>(nullptr);
  // ARCHIVE_WARN covers names that cannot be converted to the C locale; the
  // raw bytes are kept, which is what the file system wants.
  if (r < ARCHIVE_WARN)
    return failure();
  return e;
}

Status TarStream::copy_data(int fd, int64_t size) {
  int64_t end = 0;
  for (;;) {
    const void *p = nullptr;
    size_t len = 0;
    la_int64_t off = 0;
    int r = archive_read_data_block(ar_, &p, &len, &off);
    if (r == ARCHIVE_EOF)
      break;
    if (r < ARCHIVE_WARN)
      return failure();
    auto *b = static_cast<const char *>(p);
    while (len > 0) {
      ssize_t w = ::pwrite(fd, b, len, off);
      if (w < 0) {
        if (errno == EINTR)
          continue;
        return sys_error("writing file data");
      }
      b += w;
      off += w;
      len -= static_cast<size_t>(w);
    }
    end = off;
  }
  // A sparse file may end in a hole that no block reaches.
  if (end < size && ::ftruncate(fd, size) < 0)
    return sys_error("extending sparse file");
  return {};
}

Status TarStream::drain() { return prefetch_->finish(); }

TarStream::Digests TarStream::digests() {
  Digests d;
  d.input = in_.input_digest();
  d.output = in_.compression() == Compression::none ? d.input : out_hash_.digest();
  return d;
}

} // namespace skiff::image::detail
