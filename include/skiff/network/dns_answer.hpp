// What the network's DNS server does with one packet: answer it from the
// name table, answer an error, forward it upstream or drop it. Pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "skiff/network/dns_message.hpp"
#include "skiff/network/dns_names.hpp"

namespace skiff::network::dns {

struct AnswerPolicy {
  std::vector<std::string> search_domains;  // cut off names asked with them
  // An --internal network's server forwards nothing: a name not in the
  // table is NXDOMAIN, as aardvark-dns answers with no proxy.
  bool internal = false;
};

struct Decision {
  enum class Kind { reply, forward, drop } kind = Kind::drop;
  std::vector<uint8_t> reply;  // for reply
  Query query;                 // parsed, for forward
};

// `tcp`: the reply may be as large as a TCP message; over UDP it is cut
// (TC) at what the query's EDNS record offers, or 512 bytes.
Decision decide(std::span<const uint8_t> packet, const NameTable &table, const AnswerPolicy &policy,
                bool tcp);

// A SERVFAIL reply to a forwarded query whose upstreams all failed.
std::vector<uint8_t> servfail_reply(std::span<const uint8_t> packet, const Query &query);

// An upstream's reply too large for the client's UDP limit: the question
// alone with TC set, so the client asks again over TCP.
std::vector<uint8_t> truncated_reply(std::span<const uint8_t> packet, const Query &query);

} // namespace skiff::network::dns
