// A layer's tar stream kept beside its extracted files ("tar-split", as
// containers/storage calls it): every byte of the uncompressed stream
// except the contents of regular files, which are read back from the
// extracted tree. Writing the layer again (save, push) then gives the very
// bytes that were read, so its digest still matches the image config's
// diff ID.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::image {

// Encoded records, in stream order:
//   'R' varint(n) n bytes        bytes of the stream, verbatim
//   'F' varint(n) path varint(s) s bytes: the contents of regular file `path`
//                                (cleaned, relative to the layer root)
// Pure: parses tar headers as they pass, at any chunk boundary. Whatever it
// cannot place with certainty (sparse files, unknown global headers,
// malformed blocks) is kept verbatim, which costs space but never
// correctness.
class TarSplitRecorder {
public:
  using Emit = std::function<void(std::string_view)>;
  explicit TarSplitRecorder(Emit emit);

  void feed(const uint8_t *data, size_t len);
  // Emits what is still pending; call once, after the last feed.
  void finish();
  // Bytes fed so far: the size of the tar stream.
  uint64_t stream_size() const { return total_; }

private:
  enum class State { header, payload, padding };
  void header_block();
  void end_payload();
  void parse_pax(std::string_view records, bool global);
  void raw(const uint8_t *data, size_t len);
  void flush_raw();

  Emit emit_;
  State state_ = State::header;
  std::string block_;       // a header block being collected
  std::string pending_;     // verbatim bytes not yet emitted
  uint64_t remaining_ = 0;  // bytes left in the payload or padding
  uint64_t padding_ = 0;    // padding after the current payload
  bool skip_payload_ = false; // a regular file's contents: not recorded
  bool capture_ = false;    // a pax or GNU long name payload, parsed at its end
  char capture_type_ = 0;
  std::string captured_;
  // Overrides a pax header or GNU long name sets for the next entry.
  std::optional<std::string> next_path_;
  std::optional<uint64_t> next_size_;
  bool next_sparse_ = false;
  // After the end of the archive, or once the layout can no longer be
  // followed, everything stays verbatim.
  bool verbatim_ = false;
  uint64_t total_ = 0;
};

// Writes a recorder's output, zstd-compressed, to a file: an 8-byte magic,
// the tar size (little-endian u64), then the records.
class TarSplitWriter {
public:
  explicit TarSplitWriter(int fd);
  ~TarSplitWriter();
  TarSplitWriter(const TarSplitWriter &) = delete;
  TarSplitWriter &operator=(const TarSplitWriter &) = delete;

  // Called with the uncompressed tar stream, in order (any thread, one at a time).
  void feed(const uint8_t *data, size_t len);
  // Flushes and writes the header; reports any write failure of feed().
  Status finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Receives the bytes of a regenerated stream.
using ByteSink = std::function<Status(const void *, size_t)>;

// The size of the tar a split file describes.
Result<uint64_t> tar_split_size(int split_fd);

// Writes the layer tar described by `split_fd` to `sink`, reading file
// contents under `root_fd` (every path resolved inside it, final symlinks
// refused). Fails if the bytes written do not hash to `diff_id`.
Status write_split_tar(int split_fd, int root_fd, const std::string &diff_id, const ByteSink &sink);

} // namespace skiff::image
