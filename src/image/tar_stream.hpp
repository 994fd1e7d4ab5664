// Internal to the image module: libarchive reading a tar from a
// DecompressingReader, so the decompressed bytes can be hashed as they pass.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "prefetch.hpp"
#include "skiff/image/compression.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/result.hpp"

struct archive;
struct archive_entry;

namespace skiff::image::detail {

inline constexpr size_t kStreamBuf = 256 * 1024;

class TarStream {
public:
  // what names the stream in errors ("layer", "image archive"); tap sees
  // the whole decompressed stream (see Prefetcher).
  TarStream(int fd, bool hash, std::string what, Prefetcher::Tap tap = {});
  ~TarStream();
  TarStream(const TarStream &) = delete;
  TarStream &operator=(const TarStream &) = delete;

  Status open();
  // The next header, or nullptr after the end-of-archive marker.
  Result<archive_entry *> next();
  // Copies the current entry's data into fd, keeping sparse holes.
  Status copy_data(int fd, int64_t size);
  // Reads the input to its very end so the digests cover every byte, and
  // stops the reading thread.
  Status drain();
  // The bytes of tar stream handed to libarchive so far.
  int64_t bytes_read() const { return bytes_read_; }

  // Only after drain().
  DecompressingReader &input() { return in_; }
  struct Digests {
    std::string input;  // of the bytes read from the fd
    std::string output; // of the decompressed tar stream
  };
  // Call once, after drain. Plain input is hashed only once.
  Digests digests();

private:
  static ssize_t read_cb(archive *, void *self, const void **out);
  Error failure();

  DecompressingReader in_;
  bool hash_;
  std::string what_;
  Prefetcher::Tap tap_;
  Sha256 out_hash_;
  int64_t bytes_read_ = 0;
  std::unique_ptr<Prefetcher> prefetch_; // declared after what it reads
  archive *ar_ = nullptr;
  std::optional<Error> read_err_;
};

} // namespace skiff::image::detail
