#include "skiff/network/dns_answer.hpp"

#include <cstring>

namespace skiff::network::dns {

namespace {

constexpr size_t kMaxTcpMessage = 65535;

Answer address_answer(const Address &a) {
  Answer ans;
  ans.type = a.v6 ? kTypeAaaa : kTypeA;
  ans.address = a.bytes;
  return ans;
}

Decision reply(std::vector<uint8_t> bytes) {
  Decision d;
  d.kind = Decision::Kind::reply;
  d.reply = std::move(bytes);
  return d;
}

} // namespace

Decision decide(std::span<const uint8_t> packet, const NameTable &table, const AnswerPolicy &policy,
                bool tcp) {
  auto parsed = parse_query(packet);
  switch (parsed.status) {
  case QueryStatus::drop:
    return {};
  case QueryStatus::formerr:
    return reply(header_only_reply(packet, Rcode::formerr));
  case QueryStatus::notimp:
    return reply(header_only_reply(packet, Rcode::notimp));
  case QueryStatus::ok:
    break;
  }
  const Query &q = parsed.query;
  ReplyOptions opts{.authoritative = true,
                    .recursion_available = !policy.internal,
                    .limit = tcp ? kMaxTcpMessage : udp_limit(q)};
  if (q.question.klass == kClassIn && q.question.plain) {
    std::vector<Answer> answers;
    if (q.question.type == kTypePtr) {
      if (auto addr = parse_reverse_name(q.question.name))
        if (auto name = table.reverse(*addr)) {
          Answer a;
          a.type = kTypePtr;
          a.target = *name;
          return reply(build_reply(packet, q, {a}, opts));
        }
    } else if (auto name = table_name(table, q.question.name, policy.search_domains)) {
      // A name of the table with no address of the asked type (AAAA of an
      // IPv4-only container, MX...) is an empty NOERROR, not NXDOMAIN: the
      // name exists.
      uint16_t t = q.question.type;
      if (t == kTypeA || t == kTypeAny)
        for (const auto &a : table.lookup(*name, false))
          answers.push_back(address_answer(a));
      if (t == kTypeAaaa || t == kTypeAny)
        for (const auto &a : table.lookup(*name, true))
          answers.push_back(address_answer(a));
      return reply(build_reply(packet, q, answers, opts));
    }
  }
  if (policy.internal) {
    opts.rcode = Rcode::nxdomain;
    opts.authoritative = false;
    return reply(build_reply(packet, q, {}, opts));
  }
  Decision d;
  d.kind = Decision::Kind::forward;
  d.query = q;
  return d;
}

std::vector<uint8_t> servfail_reply(std::span<const uint8_t> packet, const Query &query) {
  return build_reply(packet, query, {}, {.rcode = Rcode::servfail, .limit = kMaxTcpMessage});
}

std::vector<uint8_t> truncated_reply(std::span<const uint8_t> packet, const Query &query) {
  // A limit below any reply forces the cut.
  return build_reply(packet, query, {}, {.limit = 0});
}

} // namespace skiff::network::dns
