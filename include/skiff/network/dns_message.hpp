// The DNS wire format as the network's DNS server needs it (RFC 1035,
// EDNS's OPT record of RFC 6891): reading a query's header and question,
// names with compression read with every bound checked, and the replies
// it builds itself (A, AAAA, PTR answers; errors). Pure: no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace skiff::network::dns {

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypePtr = 12;
inline constexpr uint16_t kTypeAaaa = 28;
inline constexpr uint16_t kTypeOpt = 41;
inline constexpr uint16_t kTypeAny = 255;
inline constexpr uint16_t kClassIn = 1;

inline constexpr size_t kHeaderSize = 12;
// What a UDP reply may hold when the query has no OPT record.
inline constexpr size_t kClassicUdpSize = 512;
// The largest UDP reply sent however much a client offers.
inline constexpr size_t kMaxUdpSize = 4096;

enum class Rcode : uint8_t { noerror = 0, formerr = 1, servfail = 2, nxdomain = 3, notimp = 4, refused = 5 };

// Header flag bits (the second 16-bit word).
inline constexpr uint16_t kFlagQr = 0x8000;
inline constexpr uint16_t kFlagAa = 0x0400;
inline constexpr uint16_t kFlagTc = 0x0200;
inline constexpr uint16_t kFlagRd = 0x0100;
inline constexpr uint16_t kFlagRa = 0x0080;

struct Question {
  // Dotted, without the root's trailing dot, as asked (case kept).
  std::string name;
  // False when a label holds a dot or a byte outside printable ASCII: the
  // name cannot be one of the table's, so it is only ever forwarded.
  bool plain = true;
  uint16_t type = 0;
  uint16_t klass = 0;
};

struct Query {
  uint16_t id = 0;
  uint16_t flags = 0;
  Question question;
  size_t question_end = 0;            // offset just past the question
  std::optional<uint16_t> edns_size;  // the OPT record's UDP payload size
};

// What a packet sent to the server is.
enum class QueryStatus {
  ok,
  drop,     // no whole header, or a response: nothing is sent back
  formerr,  // a header, but no single well-formed question
  notimp,   // an opcode other than QUERY
};

struct ParsedQuery {
  QueryStatus status = QueryStatus::drop;
  Query query;  // whole when ok; id and flags set from formerr on
};

ParsedQuery parse_query(std::span<const uint8_t> packet);

// Reads the name at `pos`, following compression pointers (each must point
// before the label that holds it, so no loop), at most 255 bytes long.
// Moves `pos` past the name's bytes where it was written. nullopt when
// malformed or out of bounds.
std::optional<Question> read_name(std::span<const uint8_t> packet, size_t &pos);

// An address answered for A or AAAA, or a name for PTR.
struct Answer {
  uint16_t type = kTypeA;
  std::array<uint8_t, 16> address{};  // 4 bytes used for A
  std::string target;                 // PTR's name
};

struct ReplyOptions {
  Rcode rcode = Rcode::noerror;
  bool authoritative = false;
  bool recursion_available = true;
  uint32_t ttl = 0;
  // The reply's largest size: past it the answers are dropped and TC set.
  size_t limit = kClassicUdpSize;
};

// The reply to `query` (parsed from `packet`): its ID, RD and question
// (the asked bytes, case kept), the answers under the question's name
// (a pointer to it), PTR targets compressed against the names before
// them, and an OPT record when the query had one.
std::vector<uint8_t> build_reply(std::span<const uint8_t> packet, const Query &query,
                                 const std::vector<Answer> &answers, const ReplyOptions &opts);

// An error reply to a packet whose question could not be read (FORMERR,
// NOTIMP): its header alone, counts zero. Empty when there is no header.
std::vector<uint8_t> header_only_reply(std::span<const uint8_t> packet, Rcode rcode);

// The largest UDP reply the query's sender takes.
size_t udp_limit(const Query &query);

// A reply's header fields, for the forwarder's checks.
inline uint16_t packet_id(std::span<const uint8_t> p) {
  return p.size() < 2 ? 0 : static_cast<uint16_t>(p[0] << 8 | p[1]);
}
inline uint16_t packet_flags(std::span<const uint8_t> p) {
  return p.size() < 4 ? 0 : static_cast<uint16_t>(p[2] << 8 | p[3]);
}

} // namespace skiff::network::dns
