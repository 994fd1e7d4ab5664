// A tar writer of its own: ustar headers, with a pax extended header
// before an entry only where ustar cannot say it (long names, large
// numbers, xattrs). libarchive's writer would link every format it has.
#include "skiff/image/tar_writer.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include <fmt/format.h>

namespace skiff::image {

namespace {

constexpr size_t kBlock = 512;

// Writes `v` as zero-padded octal with a NUL in a field of `len` bytes;
// false when it does not fit.
bool put_octal(char *field, size_t len, uint64_t v) {
  std::string s = fmt::format("{:0{}o}", v, len - 1);
  if (s.size() > len - 1)
    return false;
  std::memcpy(field, s.data(), s.size());
  field[len - 1] = '\0';
  return true;
}

// Splits a long name into ustar's prefix (155) and name (100) at a '/'.
std::optional<std::pair<std::string, std::string>> ustar_name(const std::string &name) {
  if (name.size() <= 100)
    return std::pair<std::string, std::string>{"", name};
  for (size_t cut = name.find('/'); cut != std::string::npos; cut = name.find('/', cut + 1)) {
    if (cut > 155)
      break;
    if (name.size() - cut - 1 <= 100 && cut > 0 && cut + 1 < name.size())
      return std::pair<std::string, std::string>{name.substr(0, cut), name.substr(cut + 1)};
  }
  return std::nullopt;
}

// "LEN key=value\n", where LEN counts the whole record, itself included.
std::string pax_record(std::string_view key, std::string_view value) {
  size_t body = key.size() + value.size() + 3; // ' ', '=', '\n'
  size_t len = body + 1;
  while (std::to_string(len).size() + body != len)
    len = std::to_string(len).size() + body;
  return fmt::format("{} {}={}\n", len, key, value);
}

// Adds the ustar magic and the checksum (computed with its own field as
// spaces) to a header block.
const char *seal(char *b) {
  std::memcpy(b + 257, "ustar", 6);
  std::memcpy(b + 263, "00", 2);
  std::memset(b + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; i++)
    sum += static_cast<unsigned char>(b[i]);
  std::snprintf(b + 148, 8, "%06o", sum);
  b[155] = ' ';
  return b;
}

char type_flag(const TarHeader &h) {
  if (h.hardlink)
    return '1';
  switch (h.type) {
  case S_IFDIR:
    return '5';
  case S_IFLNK:
    return '2';
  case S_IFCHR:
    return '3';
  case S_IFBLK:
    return '4';
  case S_IFIFO:
    return '6';
  default:
    return '0';
  }
}

} // namespace

struct TarWriter::Impl {
  ByteSink sink;
  uint64_t remaining = 0; // data still owed to the current entry
  uint64_t padding = 0;

  Status block(const char *b) { return sink(b, kBlock); }
};

TarWriter::TarWriter(ByteSink sink) : impl_(std::make_unique<Impl>()) { impl_->sink = std::move(sink); }
TarWriter::~TarWriter() = default;

Status TarWriter::header(const TarHeader &h) {
  Impl &m = *impl_;
  if (m.remaining > 0)
    return make_error(Errc::failed, "writing tar: an entry got fewer bytes than its size");
  std::string name = h.name;
  if (h.type == S_IFDIR && !h.hardlink && !name.empty() && name.back() != '/')
    name += '/';
  uint64_t size = h.type == S_IFREG && !h.hardlink ? static_cast<uint64_t>(h.size) : 0;

  char b[kBlock] = {};
  std::string pax;
  auto split = ustar_name(name);
  if (split) {
    std::memcpy(b, split->second.data(), split->second.size());
    std::memcpy(b + 345, split->first.data(), split->first.size());
  } else {
    pax += pax_record("path", name);
    std::memcpy(b, name.data(), std::min<size_t>(name.size(), 100));
  }
  if (h.link.size() > 100)
    pax += pax_record("linkpath", h.link);
  std::memcpy(b + 157, h.link.data(), std::min<size_t>(h.link.size(), 100));
  put_octal(b + 100, 8, h.perm & 07777);
  auto number = [&](size_t off, size_t len, int64_t v, const char *key) {
    if (v < 0 || !put_octal(b + off, len, static_cast<uint64_t>(v))) {
      pax += pax_record(key, std::to_string(v));
      put_octal(b + off, len, 0);
    }
  };
  number(108, 8, h.uid, "uid");
  number(116, 8, h.gid, "gid");
  number(124, 12, static_cast<int64_t>(size), "size");
  number(136, 12, h.mtime, "mtime");
  b[156] = type_flag(h);
  if (h.type == S_IFCHR || h.type == S_IFBLK) {
    put_octal(b + 329, 8, h.rdev_major);
    put_octal(b + 337, 8, h.rdev_minor);
  }
  for (const auto &[k, v] : h.xattrs)
    pax += pax_record("SCHILY.xattr." + k, v);

  if (!pax.empty()) {
    // Named after the entry, as libarchive and GNU tar name theirs.
    std::string base = name;
    while (!base.empty() && base.back() == '/')
      base.pop_back();
    base = base.substr(base.rfind('/') + 1).substr(0, 80);
    char x[kBlock] = {};
    std::memcpy(x, "PaxHeaders.0/", 13);
    std::memcpy(x + 13, base.data(), base.size());
    put_octal(x + 100, 8, 0644);
    put_octal(x + 108, 8, 0);
    put_octal(x + 116, 8, 0);
    put_octal(x + 124, 12, pax.size());
    put_octal(x + 136, 12, 0);
    x[156] = 'x';
    TRY_STATUS(m.block(seal(x)));
    m.remaining = pax.size();
    m.padding = (kBlock - pax.size() % kBlock) % kBlock;
    TRY_STATUS(data(pax.data(), pax.size()));
  }
  TRY_STATUS(m.block(seal(b)));
  m.remaining = size;
  m.padding = (kBlock - size % kBlock) % kBlock;
  return {};
}

Status TarWriter::data(const void *p, size_t n) {
  Impl &m = *impl_;
  if (n > m.remaining)
    return make_error(Errc::failed, "writing tar: an entry got more bytes than its size");
  TRY_STATUS(m.sink(p, n));
  m.remaining -= n;
  if (m.remaining == 0 && m.padding > 0) {
    static const char zeros[kBlock] = {};
    TRY_STATUS(m.sink(zeros, m.padding));
    m.padding = 0;
  }
  return {};
}

Status TarWriter::close() {
  Impl &m = *impl_;
  if (m.remaining > 0)
    return make_error(Errc::failed, "writing tar: an entry got fewer bytes than its size");
  static const char zeros[2 * kBlock] = {};
  return m.sink(zeros, sizeof zeros);
}

Status TarWriter::add_file(const std::string &name, std::string_view content) {
  TarHeader h;
  h.name = name;
  h.size = static_cast<int64_t>(content.size());
  TRY_STATUS(header(h));
  return data(content.data(), content.size());
}

} // namespace skiff::image
