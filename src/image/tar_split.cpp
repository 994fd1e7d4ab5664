// The tar-split recorder: follows tar headers as the stream passes (ustar,
// pax and GNU long names) to tell regular file contents from the rest.
#include "skiff/image/tar_split.hpp"

#include <algorithm>
#include <cstring>

#include "safe_tree.hpp"

namespace skiff::image {

namespace {

constexpr size_t kBlock = 512;
// Bigger pax headers or long names are not followed (the layout is lost).
constexpr size_t kMaxCapture = 1 << 20;
// Verbatim bytes are emitted in records of about this size.
constexpr size_t kFlushAt = 64 * 1024;

void put_varint(std::string &out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

std::string_view field(std::string_view block, size_t off, size_t len) {
  auto f = block.substr(off, len);
  return f.substr(0, std::min(f.size(), f.find('\0')));
}

// Octal (space or NUL terminated) or base-256 when the top bit is set.
std::optional<uint64_t> parse_number(std::string_view f) {
  if (!f.empty() && (static_cast<uint8_t>(f[0]) & 0x80)) {
    if (static_cast<uint8_t>(f[0]) != 0x80)
      return std::nullopt; // negative, or too large to be a size
    uint64_t v = 0;
    for (size_t i = 1; i < f.size(); i++) {
      if (v >> 56)
        return std::nullopt;
      v = (v << 8) | static_cast<uint8_t>(f[i]);
    }
    return v;
  }
  size_t i = 0;
  while (i < f.size() && (f[i] == ' ' || f[i] == '\0'))
    i++;
  uint64_t v = 0;
  bool any = false;
  for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; i++) {
    if (v >> 60)
      return std::nullopt;
    v = v * 8 + static_cast<uint64_t>(f[i] - '0');
    any = true;
  }
  for (; i < f.size(); i++)
    if (f[i] != ' ' && f[i] != '\0')
      return std::nullopt;
  return any ? std::optional<uint64_t>(v) : std::optional<uint64_t>(0);
}

// pax lengths and sizes are decimal.
std::optional<uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 19)
    return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

bool checksum_ok(std::string_view b) {
  auto want = parse_number(b.substr(148, 8));
  if (!want)
    return false;
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; i++)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<uint8_t>(b[i]);
  return sum == *want;
}

} // namespace

TarSplitRecorder::TarSplitRecorder(Emit emit) : emit_(std::move(emit)) {}

void TarSplitRecorder::raw(const uint8_t *data, size_t len) {
  pending_.append(reinterpret_cast<const char *>(data), len);
  if (pending_.size() >= kFlushAt)
    flush_raw();
}

void TarSplitRecorder::flush_raw() {
  if (pending_.empty())
    return;
  std::string rec = "R";
  put_varint(rec, pending_.size());
  emit_(rec);
  emit_(pending_);
  pending_.clear();
}

void TarSplitRecorder::feed(const uint8_t *data, size_t len) {
  total_ += len;
  while (len > 0) {
    if (verbatim_) {
      raw(data, len);
      return;
    }
    size_t n = 0;
    switch (state_) {
    case State::header:
      n = std::min(len, kBlock - block_.size());
      block_.append(reinterpret_cast<const char *>(data), n);
      if (block_.size() == kBlock)
        header_block();
      break;
    case State::payload:
      n = static_cast<size_t>(std::min<uint64_t>(len, remaining_));
      if (!skip_payload_)
        raw(data, n);
      if (capture_)
        captured_.append(reinterpret_cast<const char *>(data), n);
      remaining_ -= n;
      if (remaining_ == 0)
        end_payload();
      break;
    case State::padding:
      n = static_cast<size_t>(std::min<uint64_t>(len, remaining_));
      raw(data, n);
      remaining_ -= n;
      if (remaining_ == 0)
        state_ = State::header;
      break;
    }
    data += n;
    len -= n;
  }
}

void TarSplitRecorder::header_block() {
  std::string b = std::move(block_);
  block_.clear();
  raw(reinterpret_cast<const uint8_t *>(b.data()), b.size());
  // After the end-of-archive block only padding follows; a block that is
  // no header means the layout is unknown from here: both stay verbatim.
  if (std::all_of(b.begin(), b.end(), [](char c) { return c == '\0'; }) || !checksum_ok(b)) {
    verbatim_ = true;
    return;
  }
  char type = b[156];
  auto size = parse_number(std::string_view(b).substr(124, 12));
  if (!size) {
    verbatim_ = true;
    return;
  }
  bool meta = type == 'x' || type == 'g' || type == 'L' || type == 'K';
  if (meta) {
    if (*size > kMaxCapture) {
      verbatim_ = true;
      return;
    }
    capture_ = true;
    capture_type_ = type;
    captured_.clear();
  } else {
    if (next_size_)
      size = next_size_;
    std::string path;
    if (next_path_) {
      path = *next_path_;
    } else {
      std::string_view bv(b);
      auto name = field(bv, 0, 100);
      // Only POSIX ustar has a prefix; GNU keeps other fields there.
      bool posix = bv.substr(257, 6) == std::string_view("ustar\0", 6);
      auto prefix = posix ? field(bv, 345, 155) : std::string_view{};
      path = prefix.empty() ? std::string(name) : std::string(prefix) + "/" + std::string(name);
    }
    bool regular = type == '0' || type == '\0' || type == '7';
    auto rel = detail::clean_entry_path(path);
    skip_payload_ = regular && !next_sparse_ && *size > 0 && rel && !rel->empty() &&
                    path.back() != '/' && !detail::base_of(*rel).starts_with(".wh.");
    if (skip_payload_) {
      flush_raw();
      std::string rec = "F";
      put_varint(rec, rel->size());
      rec += *rel;
      put_varint(rec, *size);
      emit_(rec);
    }
    next_path_.reset();
    next_size_.reset();
    next_sparse_ = false;
  }
  remaining_ = *size;
  padding_ = (kBlock - *size % kBlock) % kBlock;
  state_ = State::payload;
  if (remaining_ == 0)
    end_payload();
}

void TarSplitRecorder::end_payload() {
  if (capture_) {
    capture_ = false;
    if (capture_type_ == 'L')
      next_path_ = std::string(field(captured_, 0, captured_.size()));
    else if (capture_type_ == 'x' || capture_type_ == 'g')
      parse_pax(captured_, capture_type_ == 'g');
    captured_.clear();
  }
  skip_payload_ = false;
  remaining_ = padding_;
  state_ = remaining_ > 0 ? State::padding : State::header;
}

// "LEN key=value\n" records; LEN counts the whole record.
void TarSplitRecorder::parse_pax(std::string_view recs, bool global) {
  while (!recs.empty()) {
    size_t sp = recs.find(' ');
    auto len = sp == std::string_view::npos ? std::nullopt : parse_decimal(recs.substr(0, sp));
    if (!len || *len <= sp + 1 || *len > recs.size()) {
      verbatim_ = true;
      return;
    }
    auto rec = recs.substr(sp + 1, *len - sp - 1);
    recs.remove_prefix(*len);
    if (!rec.empty() && rec.back() == '\n')
      rec.remove_suffix(1);
    auto eq = rec.find('=');
    if (eq == std::string_view::npos) {
      verbatim_ = true;
      return;
    }
    auto key = rec.substr(0, eq), value = rec.substr(eq + 1);
    // A global header only ever seen with a comment; anything else could
    // change every entry after it, so the layout is not followed further.
    if (global) {
      if (key != "comment")
        verbatim_ = true;
      continue;
    }
    if (key == "path") {
      next_path_ = std::string(value);
    } else if (key == "size") {
      auto v = parse_decimal(value);
      if (!v) {
        verbatim_ = true;
        return;
      }
      next_size_ = v;
    } else if (key.starts_with("GNU.sparse")) {
      next_sparse_ = true;
    }
  }
}

void TarSplitRecorder::finish() {
  if (!block_.empty()) {
    pending_ += block_;
    block_.clear();
  }
  flush_raw();
}

} // namespace skiff::image
