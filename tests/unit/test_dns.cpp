// The network DNS server's pure parts: the wire codec, the answers it
// builds from the name table, and the table's parse.
#include <catch2/catch.hpp>

#include <random>

#include "skiff/network/dns_answer.hpp"
#include "skiff/network/dns_message.hpp"
#include "skiff/network/dns_names.hpp"

using namespace skiff::network::dns;

namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes &b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

void put_name(Bytes &b, const std::string &name) {
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos)
      dot = name.size();
    b.push_back(static_cast<uint8_t>(dot - start));
    b.insert(b.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  b.push_back(0);
}

Bytes make_query(const std::string &name, uint16_t type, std::optional<uint16_t> edns = std::nullopt,
                 uint16_t id = 0xbeef) {
  Bytes b;
  put16(b, id);
  put16(b, kFlagRd);
  put16(b, 1);
  put16(b, 0);
  put16(b, 0);
  put16(b, edns ? 1 : 0);
  put_name(b, name);
  put16(b, type);
  put16(b, kClassIn);
  if (edns) {
    b.push_back(0);
    put16(b, kTypeOpt);
    put16(b, *edns);
    put16(b, 0);
    put16(b, 0);
    put16(b, 0);
  }
  return b;
}

uint16_t get16(const Bytes &b, size_t at) { return static_cast<uint16_t>(b[at] << 8 | b[at + 1]); }

struct Record {
  std::string owner;
  uint16_t type = 0;
  uint32_t ttl = 0;
  Bytes rdata;
  size_t rdata_at = 0;
};

struct Reply {
  uint16_t id = 0, flags = 0;
  int rcode = 0;
  std::string question;
  std::vector<Record> answers;
  uint16_t additional = 0;
};

Reply read_reply(const Bytes &b) {
  REQUIRE(b.size() >= kHeaderSize);
  Reply r;
  r.id = get16(b, 0);
  r.flags = get16(b, 2);
  r.rcode = r.flags & 0xF;
  REQUIRE(get16(b, 4) == 1);
  size_t pos = kHeaderSize;
  auto q = read_name(b, pos);
  REQUIRE(q);
  r.question = q->name;
  pos += 4;
  for (uint16_t i = 0; i < get16(b, 6); i++) {
    Record rec;
    auto owner = read_name(b, pos);
    REQUIRE(owner);
    rec.owner = owner->name;
    REQUIRE(pos + 10 <= b.size());
    rec.type = get16(b, pos);
    rec.ttl = static_cast<uint32_t>(get16(b, pos + 4)) << 16 | get16(b, pos + 6);
    size_t len = get16(b, pos + 8);
    rec.rdata_at = pos + 10;
    REQUIRE(rec.rdata_at + len <= b.size());
    rec.rdata.assign(b.begin() + static_cast<long>(rec.rdata_at), b.begin() + static_cast<long>(rec.rdata_at + len));
    pos = rec.rdata_at + len;
    r.answers.push_back(rec);
  }
  r.additional = get16(b, 10);
  return r;
}

const char *kNames = "# the network's containers\n"
                     "10.213.0.3 web frontend 0123456789ab\n"
                     "10.213.0.4\tdb\n"
                     "fd00::4 db\n"
                     "\n"
                     "10.213.0.5 Cache.Local\n";

Decision ask(const Bytes &q, const AnswerPolicy &policy = {}, bool tcp = false) {
  return decide(q, NameTable::parse(kNames), policy, tcp);
}

Reply answer(const Bytes &q, const AnswerPolicy &policy = {}, bool tcp = false) {
  auto d = ask(q, policy, tcp);
  REQUIRE(d.kind == Decision::Kind::reply);
  return read_reply(d.reply);
}

std::string ipv4(const Record &r) {
  REQUIRE(r.rdata.size() == 4);
  Address a;
  std::copy(r.rdata.begin(), r.rdata.end(), a.bytes.begin());
  return format_address(a);
}

} // namespace

TEST_CASE("dns: a query's header, question and EDNS size", "[dns]") {
  auto q = make_query("Web.example", kTypeAaaa, 1400, 0x4242);
  auto p = parse_query(q);
  REQUIRE(p.status == QueryStatus::ok);
  CHECK(p.query.id == 0x4242);
  CHECK(p.query.question.name == "Web.example");
  CHECK(p.query.question.plain);
  CHECK(p.query.question.type == kTypeAaaa);
  CHECK(p.query.question.klass == kClassIn);
  CHECK(p.query.question_end == kHeaderSize + 13 + 4);
  CHECK(p.query.edns_size == 1400);
  CHECK(udp_limit(p.query) == 1400);
  CHECK(udp_limit(parse_query(make_query("a", kTypeA)).query) == 512);
  CHECK(udp_limit(parse_query(make_query("a", kTypeA, 100)).query) == 512);
  CHECK(udp_limit(parse_query(make_query("a", kTypeA, 65000)).query) == kMaxUdpSize);
}

TEST_CASE("dns: names of the table answer A and AAAA, any case, aliases and short IDs", "[dns]") {
  auto r = answer(make_query("web", kTypeA));
  CHECK(r.id == 0xbeef);
  CHECK((r.flags & kFlagQr));
  CHECK((r.flags & kFlagRd));
  CHECK((r.flags & kFlagAa));
  CHECK(r.rcode == 0);
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].owner == "web");
  CHECK(r.answers[0].type == kTypeA);
  CHECK(r.answers[0].ttl == 0);
  CHECK(ipv4(r.answers[0]) == "10.213.0.3");
  for (auto name : {"FrontEnd", "0123456789AB", "cache.local", "CACHE.LOCAL"}) {
    auto a = answer(make_query(name, kTypeA));
    REQUIRE(a.answers.size() == 1);
    CHECK(a.question == name);  // the question as asked, case kept
    CHECK(a.answers[0].owner == name);
  }
  // db has both families; web only IPv4: its AAAA is an empty NOERROR.
  auto db6 = answer(make_query("db", kTypeAaaa));
  REQUIRE(db6.answers.size() == 1);
  CHECK(db6.answers[0].rdata.size() == 16);
  CHECK(db6.answers[0].rdata[0] == 0xfd);
  auto web6 = answer(make_query("web", kTypeAaaa));
  CHECK(web6.rcode == 0);
  CHECK(web6.answers.empty());
  // Other types of a name that exists: NOERROR, no data.
  auto mx = answer(make_query("web", 15));
  CHECK(mx.rcode == 0);
  CHECK(mx.answers.empty());
  CHECK(answer(make_query("db", kTypeAny)).answers.size() == 2);
}

TEST_CASE("dns: other names are forwarded, or NXDOMAIN on an internal network", "[dns]") {
  auto d = ask(make_query("deb.debian.org", kTypeA));
  CHECK(d.kind == Decision::Kind::forward);
  CHECK(d.query.question.name == "deb.debian.org");
  CHECK(ask(make_query("webx", kTypeA)).kind == Decision::Kind::forward);
  // A PTR for an address the table lacks goes upstream too.
  CHECK(ask(make_query("9.0.213.10.in-addr.arpa", kTypePtr)).kind == Decision::Kind::forward);
  auto r = answer(make_query("deb.debian.org", kTypeA), {{}, true});
  CHECK(r.rcode == static_cast<int>(Rcode::nxdomain));
  CHECK(!(r.flags & kFlagRa));
  CHECK(r.answers.empty());
  // Names of the table still answer there.
  CHECK(answer(make_query("web", kTypeA), {{}, true}).answers.size() == 1);
  // An upstream failure is SERVFAIL with the client's ID and question.
  auto q = make_query("deb.debian.org", kTypeA);
  auto fail = read_reply(servfail_reply(q, parse_query(q).query));
  CHECK(fail.rcode == static_cast<int>(Rcode::servfail));
  CHECK(fail.id == 0xbeef);
  CHECK(fail.question == "deb.debian.org");
}

TEST_CASE("dns: a name asked with a search domain is the table's name", "[dns]") {
  AnswerPolicy p{{"corp.example", "lab.example."}, false};
  auto r = answer(make_query("web.corp.example", kTypeA), p);
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].owner == "web.corp.example");
  CHECK(answer(make_query("DB.Lab.Example", kTypeA), p).answers.size() == 1);
  CHECK(ask(make_query("web.other.example", kTypeA), p).kind == Decision::Kind::forward);
  CHECK(ask(make_query("corp.example", kTypeA), p).kind == Decision::Kind::forward);
}

TEST_CASE("dns: PTR for the table's addresses, its first name", "[dns]") {
  auto r = answer(make_query("3.0.213.10.in-addr.arpa", kTypePtr));
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].type == kTypePtr);
  Bytes full = ask(make_query("3.0.213.10.in-addr.arpa", kTypePtr)).reply;
  size_t pos = r.answers[0].rdata_at;
  auto target = read_name(full, pos);
  REQUIRE(target);
  CHECK(target->name == "web");
  std::string v6 = "4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";
  auto r6 = answer(make_query(v6, kTypePtr));
  REQUIRE(r6.answers.size() == 1);
}

TEST_CASE("dns: answers point at the question's name; PTR targets are compressed", "[dns]") {
  auto d = ask(make_query("web", kTypeA));
  // Header, question (5 bytes of name, type, class), then the owner: a
  // pointer to offset 12.
  CHECK(d.reply[kHeaderSize + 9] == 0xC0);
  CHECK(d.reply[kHeaderSize + 10] == kHeaderSize);
  // A PTR target that is a suffix of the question is one pointer.
  auto t = NameTable::parse("10.0.0.4 in-addr.arpa\n");
  auto q = make_query("4.0.0.10.in-addr.arpa", kTypePtr);
  auto p = decide(q, t, {}, false);
  REQUIRE(p.kind == Decision::Kind::reply);
  auto r = read_reply(p.reply);
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].rdata == Bytes{0xC0, static_cast<uint8_t>(kHeaderSize + 9)});
  size_t pos = r.answers[0].rdata_at;
  CHECK(read_name(p.reply, pos)->name == "in-addr.arpa");
}

TEST_CASE("dns: a reply too large for UDP is truncated; EDNS and TCP take more", "[dns]") {
  std::string text;
  for (int i = 1; i <= 60; i++)
    text += "10.213.1." + std::to_string(i) + " big\n";
  auto t = NameTable::parse(text);
  auto plain = decide(make_query("big", kTypeA), t, {}, false);
  auto r = read_reply(plain.reply);
  CHECK((r.flags & kFlagTc));
  CHECK(r.answers.empty());
  CHECK(plain.reply.size() <= 512);
  auto edns = read_reply(decide(make_query("big", kTypeA, 4096), t, {}, false).reply);
  CHECK(!(edns.flags & kFlagTc));
  CHECK(edns.answers.size() == 60);
  CHECK(edns.additional == 1);  // the OPT record
  auto tcp = read_reply(decide(make_query("big", kTypeA), t, {}, true).reply);
  CHECK(tcp.answers.size() == 60);
  CHECK(tcp.additional == 0);
  // An upstream's reply cut for the client: TC, the question alone.
  auto q = make_query("big", kTypeA);
  auto cut = read_reply(truncated_reply(q, parse_query(q).query));
  CHECK((cut.flags & kFlagTc));
  CHECK(cut.question == "big");
}

TEST_CASE("dns: malformed packets are dropped or refused, never read out of bounds", "[dns]") {
  CHECK(parse_query(Bytes{}).status == QueryStatus::drop);
  CHECK(parse_query(Bytes(11, 0)).status == QueryStatus::drop);
  auto q = make_query("web", kTypeA);
  // A response is never answered (no reflection loops).
  Bytes resp = q;
  resp[2] |= 0x80;
  CHECK(parse_query(resp).status == QueryStatus::drop);
  CHECK(ask(resp).kind == Decision::Kind::drop);
  // No question, or two.
  Bytes none = q;
  none[5] = 0;
  CHECK(parse_query(none).status == QueryStatus::formerr);
  Bytes two = q;
  two[5] = 2;
  CHECK(parse_query(two).status == QueryStatus::formerr);
  // Truncated question: the name's bytes, or its type and class missing.
  for (size_t cut = kHeaderSize; cut < q.size(); cut++)
    CHECK(parse_query(Bytes(q.begin(), q.begin() + static_cast<long>(cut))).status == QueryStatus::formerr);
  // Compression loops: a pointer to itself, two pointing at each other, a
  // pointer forward.
  Bytes self = make_query("", kTypeA);
  self.resize(kHeaderSize);
  self.insert(self.end(), {0xC0, 0x0C, 0, 1, 0, 1});
  CHECK(parse_query(self).status == QueryStatus::formerr);
  Bytes pair = make_query("", kTypeA);
  pair.resize(kHeaderSize);
  pair.insert(pair.end(), {0x01, 'a', 0xC0, 0x0C, 0, 1, 0, 1});
  CHECK(parse_query(pair).status == QueryStatus::formerr);
  Bytes forward = make_query("", kTypeA);
  forward.resize(kHeaderSize);
  forward.insert(forward.end(), {0xC0, 0x10, 0, 1, 0, 1, 1, 'a', 0});
  CHECK(parse_query(forward).status == QueryStatus::formerr);
  // A label running past the end, the reserved label types, a name over
  // 255 bytes.
  Bytes over = make_query("", kTypeA);
  over.resize(kHeaderSize);
  over.insert(over.end(), {0x3F, 'a', 'b'});
  CHECK(parse_query(over).status == QueryStatus::formerr);
  Bytes reserved = make_query("", kTypeA);
  reserved.resize(kHeaderSize);
  reserved.insert(reserved.end(), {0x40, 0, 0, 1, 0, 1});
  CHECK(parse_query(reserved).status == QueryStatus::formerr);
  std::string longname;
  for (int i = 0; i < 5; i++)
    longname += std::string(60, 'x') + ".";
  longname.pop_back();
  CHECK(parse_query(make_query(longname, kTypeA)).status == QueryStatus::formerr);
  // FORMERR and NOTIMP replies: the header alone, the ID kept.
  auto err = ask(none);
  REQUIRE(err.kind == Decision::Kind::reply);
  CHECK(err.reply.size() == kHeaderSize);
  CHECK(get16(err.reply, 0) == 0xbeef);
  CHECK((get16(err.reply, 2) & 0xF) == static_cast<int>(Rcode::formerr));
  Bytes notify = q;
  notify[2] = static_cast<uint8_t>(notify[2] | (4 << 3));  // opcode NOTIFY
  auto ni = ask(notify);
  REQUIRE(ni.kind == Decision::Kind::reply);
  CHECK((get16(ni.reply, 2) & 0xF) == static_cast<int>(Rcode::notimp));
  CHECK(((get16(ni.reply, 2) >> 11) & 0xF) == 4);
  // A label with a dot in it is not a table name: forwarded, not answered.
  Bytes dotted = make_query("", kTypeA);
  dotted.resize(kHeaderSize);
  dotted.insert(dotted.end(), {3, 'w', '.', 'b', 0, 0, 1, 0, 1});
  auto dp = parse_query(dotted);
  REQUIRE(dp.status == QueryStatus::ok);
  CHECK(!dp.query.question.plain);
  auto t = NameTable::parse("10.0.0.1 w.b\n");
  CHECK(decide(dotted, t, {}, false).kind == Decision::Kind::forward);
  // A broken additional section only means no EDNS.
  Bytes bad_opt = make_query("web", kTypeA, 1400);
  bad_opt.resize(bad_opt.size() - 3);
  auto bo = parse_query(bad_opt);
  CHECK(bo.status == QueryStatus::ok);
  CHECK(!bo.query.edns_size);
}

TEST_CASE("dns: random and mutated packets never crash the decision", "[dns]") {
  std::mt19937 rng(1234);
  auto table = NameTable::parse(kNames);
  std::vector<Bytes> seeds = {make_query("web", kTypeA), make_query("3.0.213.10.in-addr.arpa", kTypePtr),
                              make_query("db.corp.example", kTypeAaaa, 1232)};
  AnswerPolicy policy{{"corp.example"}, false};
  for (int i = 0; i < 20000; i++) {
    Bytes p;
    if (i % 4 == 0) {
      p.resize(rng() % 80);
      for (auto &b : p)
        b = static_cast<uint8_t>(rng());
      if (p.size() > 3)
        p[2] &= 0x7F;  // a query, mostly
    } else {
      p = seeds[rng() % seeds.size()];
      for (int m = 0, n = 1 + static_cast<int>(rng() % 4); m < n; m++) {
        size_t at = rng() % p.size();
        switch (rng() % 3) {
        case 0:
          p[at] = static_cast<uint8_t>(rng());
          break;
        case 1:
          p.resize(at);
          break;
        default:
          p.insert(p.begin() + static_cast<long>(at), {0xC0, static_cast<uint8_t>(rng() % 64)});
        }
        if (p.empty())
          break;
      }
    }
    auto d = decide(p, table, policy, i % 2 == 0);
    if (d.kind == Decision::Kind::reply) {
      REQUIRE(d.reply.size() >= kHeaderSize);
      CHECK(get16(d.reply, 0) == get16(p, 0));
      if (i % 2 != 0)
        CHECK(d.reply.size() <= kMaxUdpSize);
    }
  }
}

TEST_CASE("dns: the names file as /etc/hosts", "[dns]") {
  auto t = NameTable::parse("# comment\n"
                            "  10.1.0.2   a   b  # trailing comment\n"
                            "not-an-ip x\n"
                            "10.1.0.3\n"
                            "10.1.0.4 bad_name! ok. -lead\n"
                            "10.1.0.5 A\r\n"
                            "fd00::5 a\n");
  CHECK(!t.empty());
  CHECK(t.has("a"));
  CHECK(t.has("A."));
  CHECK(t.has("b"));
  CHECK(!t.has("x"));
  CHECK(!t.has("bad_name!"));
  CHECK(t.has("ok"));
  CHECK(t.has("-lead"));
  auto v4 = t.lookup("a", false);
  REQUIRE(v4.size() == 2);
  CHECK(format_address(v4[0]) == "10.1.0.2");
  CHECK(format_address(v4[1]) == "10.1.0.5");
  auto v6 = t.lookup("A", true);
  REQUIRE(v6.size() == 1);
  CHECK(format_address(v6[0]) == "fd00::5");
  CHECK(t.reverse(*parse_address("10.1.0.2")) == "a");
  CHECK(t.reverse(*parse_address("10.1.0.4")) == "ok");
  CHECK(!t.reverse(*parse_address("10.1.0.3")));
  CHECK(NameTable::parse("").empty());
  CHECK(NameTable::parse("# nothing\n\n10.0.0.1\n").empty());
  CHECK(table_name(t, "A.", {}) == "a");
}

TEST_CASE("dns: reverse names", "[dns]") {
  CHECK(format_address(*parse_reverse_name("4.3.2.10.in-addr.arpa")) == "10.2.3.4");
  CHECK(format_address(*parse_reverse_name("4.3.2.10.IN-ADDR.ARPA.")) == "10.2.3.4");
  CHECK(!parse_reverse_name("3.2.10.in-addr.arpa"));
  CHECK(!parse_reverse_name("256.3.2.10.in-addr.arpa"));
  CHECK(!parse_reverse_name("04.3.2.10.in-addr.arpa"));
  CHECK(!parse_reverse_name("a.3.2.10.in-addr.arpa"));
  CHECK(!parse_reverse_name("4..2.10.in-addr.arpa"));
  auto v6 = parse_reverse_name("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.F.ip6.arpa");
  REQUIRE(v6);
  CHECK(format_address(*v6) == "fd00::1");
  CHECK(!parse_reverse_name("1.0.ip6.arpa"));
  CHECK(!parse_reverse_name("10.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa"));
}
