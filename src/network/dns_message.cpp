#include "skiff/network/dns_message.hpp"

#include <algorithm>
#include <utility>

#include "skiff/util/strings.hpp"

namespace skiff::network::dns {

namespace {

constexpr size_t kMaxName = 255;
constexpr size_t kMaxLabel = 63;
// The payload size the server's own OPT record offers.
constexpr uint16_t kOwnUdpSize = 1232;

uint16_t get16(std::span<const uint8_t> p, size_t at) { return static_cast<uint16_t>(p[at] << 8 | p[at + 1]); }

void put16(std::vector<uint8_t> &out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void put32(std::vector<uint8_t> &out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v));
}

// Skips one resource record at `pos`; its type and class through the
// pointers. False when it does not fit.
bool skip_record(std::span<const uint8_t> p, size_t &pos, uint16_t *type, uint16_t *klass) {
  if (!read_name(p, pos) || pos + 10 > p.size())
    return false;
  *type = get16(p, pos);
  *klass = get16(p, pos + 2);
  size_t rdlen = get16(p, pos + 8);
  pos += 10;
  if (pos + rdlen > p.size())
    return false;
  pos += rdlen;
  return true;
}

// The OPT record's payload size, if the additional section holds one.
// A malformed record section only means no EDNS: the question stands.
std::optional<uint16_t> find_edns(std::span<const uint8_t> p, size_t pos) {
  size_t skipped = static_cast<size_t>(get16(p, 6)) + get16(p, 8);
  size_t additional = get16(p, 10);
  uint16_t type = 0, klass = 0;
  for (size_t i = 0; i < skipped; i++)
    if (!skip_record(p, pos, &type, &klass))
      return std::nullopt;
  for (size_t i = 0; i < additional; i++) {
    if (!skip_record(p, pos, &type, &klass))
      return std::nullopt;
    if (type == kTypeOpt)
      return klass;
  }
  return std::nullopt;
}

// Writes names with compression: each suffix written once, pointed to
// after that.
class NameWriter {
public:
  explicit NameWriter(std::vector<uint8_t> &out) : out_(out) {}

  // Records the suffixes of the uncompressed name at `at` in out.
  void remember(size_t at) {
    std::vector<std::pair<size_t, std::string>> labels;
    size_t p = at;
    while (p < out_.size() && out_[p] != 0) {
      size_t len = out_[p];
      if (len > kMaxLabel || p + 1 + len > out_.size())
        return;  // compressed or odd: nothing to point at
      labels.emplace_back(p, std::string(out_.begin() + static_cast<long>(p + 1),
                                         out_.begin() + static_cast<long>(p + 1 + len)));
      p += 1 + len;
    }
    for (size_t i = 0; i < labels.size(); i++) {
      std::string suffix;
      for (size_t j = i; j < labels.size(); j++)
        suffix += str::lower(labels[j].second) + ".";
      add(suffix, labels[i].first);
    }
  }

  bool write(std::string_view name) {
    std::vector<std::string> labels;
    if (!name.empty())
      labels = str::split(name, '.');
    size_t total = 1;
    for (const auto &l : labels) {
      if (l.empty() || l.size() > kMaxLabel)
        return false;
      total += l.size() + 1;
    }
    if (total > kMaxName)
      return false;
    for (size_t i = 0; i < labels.size(); i++) {
      std::string suffix;
      for (size_t j = i; j < labels.size(); j++)
        suffix += str::lower(labels[j]) + ".";
      if (auto at = find(suffix)) {
        put16(out_, static_cast<uint16_t>(0xC000 | *at));
        return true;
      }
      add(suffix, out_.size());
      out_.push_back(static_cast<uint8_t>(labels[i].size()));
      out_.insert(out_.end(), labels[i].begin(), labels[i].end());
    }
    out_.push_back(0);
    return true;
  }

private:
  void add(const std::string &suffix, size_t at) {
    if (at < 0x3FFF && !find(suffix))
      known_.emplace_back(suffix, at);
  }
  std::optional<size_t> find(const std::string &suffix) const {
    for (const auto &[s, at] : known_)
      if (s == suffix)
        return at;
    return std::nullopt;
  }

  std::vector<uint8_t> &out_;
  std::vector<std::pair<std::string, size_t>> known_;
};

std::vector<uint8_t> reply_header(uint16_t id, uint16_t query_flags, const ReplyOptions &opts) {
  std::vector<uint8_t> out;
  uint16_t flags = static_cast<uint16_t>(kFlagQr | (query_flags & kFlagRd) | static_cast<uint16_t>(opts.rcode));
  if (opts.authoritative)
    flags |= kFlagAa;
  if (opts.recursion_available)
    flags |= kFlagRa;
  put16(out, id);
  put16(out, flags);
  return out;
}

std::vector<uint8_t> assemble(std::span<const uint8_t> packet, const Query &query,
                              const std::vector<Answer> &answers, const ReplyOptions &opts, bool truncated) {
  auto out = reply_header(query.id, query.flags, opts);
  if (truncated)
    out[2] |= static_cast<uint8_t>(kFlagTc >> 8);
  put16(out, 1);
  put16(out, 0);  // answers, counted below
  put16(out, 0);
  put16(out, query.edns_size ? 1 : 0);
  out.insert(out.end(), packet.begin() + kHeaderSize, packet.begin() + static_cast<long>(query.question_end));
  NameWriter names(out);
  names.remember(kHeaderSize);
  uint16_t count = 0;
  const std::vector<Answer> none;
  for (const auto &a : truncated ? none : answers) {
    size_t start = out.size();
    put16(out, 0xC000 | kHeaderSize);  // the question's name
    put16(out, a.type);
    put16(out, kClassIn);
    put32(out, opts.ttl);
    if (a.type == kTypePtr) {
      size_t len_at = out.size();
      put16(out, 0);
      if (!names.write(a.target)) {
        out.resize(start);
        continue;
      }
      size_t len = out.size() - len_at - 2;
      out[len_at] = static_cast<uint8_t>(len >> 8);
      out[len_at + 1] = static_cast<uint8_t>(len);
    } else {
      size_t n = a.type == kTypeA ? 4 : 16;
      put16(out, static_cast<uint16_t>(n));
      out.insert(out.end(), a.address.begin(), a.address.begin() + static_cast<long>(n));
    }
    count++;
  }
  out[6] = static_cast<uint8_t>(count >> 8);
  out[7] = static_cast<uint8_t>(count);
  if (query.edns_size) {
    out.push_back(0);  // the root
    put16(out, kTypeOpt);
    put16(out, kOwnUdpSize);
    put32(out, 0);  // extended rcode, version 0, no flags
    put16(out, 0);
  }
  return out;
}

} // namespace

std::optional<Question> read_name(std::span<const uint8_t> packet, size_t &pos) {
  Question q;
  size_t p = pos;
  // Where the labels being read start: a pointer must point before it, so
  // every jump goes lower and a loop is impossible.
  size_t segment = p;
  bool jumped = false;
  size_t wire = 1;
  for (;;) {
    if (p >= packet.size())
      return std::nullopt;
    uint8_t len = packet[p];
    if ((len & 0xC0) == 0xC0) {
      if (p + 1 >= packet.size())
        return std::nullopt;
      size_t target = static_cast<size_t>(len & 0x3F) << 8 | packet[p + 1];
      if (target >= segment)
        return std::nullopt;
      if (!jumped)
        pos = p + 2;
      jumped = true;
      p = segment = target;
      continue;
    }
    if (len & 0xC0)
      return std::nullopt;  // the extended label types nobody uses
    if (len == 0) {
      if (!jumped)
        pos = p + 1;
      return q;
    }
    if (p + 1 + len > packet.size())
      return std::nullopt;
    wire += 1 + static_cast<size_t>(len);
    if (wire > kMaxName)
      return std::nullopt;
    if (!q.name.empty())
      q.name += '.';
    for (size_t i = p + 1; i < p + 1 + len; i++) {
      char c = static_cast<char>(packet[i]);
      if (packet[i] <= 0x20 || packet[i] >= 0x7F || c == '.')
        q.plain = false;
      q.name += c;
    }
    p += 1 + len;
  }
}

ParsedQuery parse_query(std::span<const uint8_t> packet) {
  ParsedQuery r;
  if (packet.size() < kHeaderSize)
    return r;
  r.query.id = get16(packet, 0);
  r.query.flags = get16(packet, 2);
  if (r.query.flags & kFlagQr)
    return r;
  if ((r.query.flags >> 11 & 0xF) != 0) {
    r.status = QueryStatus::notimp;
    return r;
  }
  r.status = QueryStatus::formerr;
  if (get16(packet, 4) != 1)
    return r;
  size_t pos = kHeaderSize;
  auto q = read_name(packet, pos);
  if (!q || pos + 4 > packet.size())
    return r;
  q->type = get16(packet, pos);
  q->klass = get16(packet, pos + 2);
  r.query.question = std::move(*q);
  r.query.question_end = pos + 4;
  r.query.edns_size = find_edns(packet, r.query.question_end);
  r.status = QueryStatus::ok;
  return r;
}

std::vector<uint8_t> build_reply(std::span<const uint8_t> packet, const Query &query,
                                 const std::vector<Answer> &answers, const ReplyOptions &opts) {
  auto out = assemble(packet, query, answers, opts, false);
  if (out.size() > opts.limit)
    out = assemble(packet, query, answers, opts, true);
  return out;
}

std::vector<uint8_t> header_only_reply(std::span<const uint8_t> packet, Rcode rcode) {
  if (packet.size() < kHeaderSize)
    return {};
  uint16_t query_flags = get16(packet, 2);
  ReplyOptions opts{.rcode = rcode, .recursion_available = false};
  auto out = reply_header(get16(packet, 0), query_flags, opts);
  out[2] |= static_cast<uint8_t>((query_flags >> 8) & 0x78);  // the opcode, echoed
  out.resize(kHeaderSize, 0);
  return out;
}

size_t udp_limit(const Query &query) {
  if (!query.edns_size)
    return kClassicUdpSize;
  return std::clamp<size_t>(*query.edns_size, kClassicUdpSize, kMaxUdpSize);
}

} // namespace skiff::network::dns
