#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <string>
#include <utility>
#include <vector>

#include "scratch.hpp"
#include "skiff/engine/logs.hpp"
#include "skiff/supervisor/json_log.hpp"
#include "skiff/supervisor/log_writer.hpp"
#include "skiff/util/timefmt.hpp"

using namespace skiff;
using skiff::test::memfd;

namespace {

std::string contents(int fd) {
  struct stat st {};
  REQUIRE(::fstat(fd, &st) == 0);
  std::string s(static_cast<size_t>(st.st_size), '\0');
  REQUIRE(::pread(fd, s.data(), s.size(), 0) == static_cast<ssize_t>(s.size()));
  return s;
}

constexpr int64_t t0 = 1795372015'000000000;
constexpr int64_t ms = 1'000'000;

} // namespace

TEST_CASE("the log writer holds lines until 64 KiB or 20 ms, and writes whole lines") {
  auto fd = memfd("");
  int raw = fd.get();
  supervisor::LogWriter w(UniqueFd(::dup(raw)));
  REQUIRE(w.enabled());
  CHECK(w.due_in_ms(t0) == -1);
  w.add("one\n", "stdout", t0);
  w.add("two\n", "stderr", t0);
  CHECK(contents(raw).empty());
  CHECK(w.due_in_ms(t0 + 5 * ms) == 15);
  w.flush_if_due(t0 + 19 * ms);
  CHECK(contents(raw).empty());
  w.flush_if_due(t0 + 20 * ms);
  // The lines of one read share its time, byte for byte as json_log_line
  // writes it.
  CHECK(contents(raw) == supervisor::json_log_line("one\n", "stdout", t0) +
                             supervisor::json_log_line("two\n", "stderr", t0));
  CHECK(w.due_in_ms(t0 + 20 * ms) == -1);

  // A clock stepped back does not hold lines back longer.
  w.add("late\n", "stdout", t0 + 30 * ms);
  CHECK(w.due_in_ms(t0) == 20);
  w.flush_if_due(t0);
  CHECK(contents(raw).ends_with("\"log\":\"late\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-22T18:26:55.03Z\"}\n"));

  // A flood is written as soon as 64 KiB are waiting, in whole lines.
  size_t before = contents(raw).size();
  std::string line(99, 'x');
  line += '\n';
  size_t added = 0;
  while (contents(raw).size() == before) {
    w.add(line, "stdout", t0 + 40 * ms);
    added++;
    REQUIRE(added < 2000);
  }
  auto text = contents(raw).substr(before);
  CHECK(text.size() >= supervisor::LogWriter::kFlushBytes);
  CHECK(text.size() < supervisor::LogWriter::kFlushBytes + 200);
  CHECK(text.back() == '\n');
  CHECK(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) == added);
  w.flush();
  CHECK(w.due_in_ms(t0 + 40 * ms) == -1);
}

TEST_CASE("a disabled log writer drops lines") {
  supervisor::LogWriter w;
  CHECK_FALSE(w.enabled());
  w.add("x\n", "stdout", t0);
  CHECK(w.due_in_ms(t0) == -1);
  w.flush();
}

namespace {

struct Printed {
  std::vector<std::pair<bool, std::string>> pieces;
  std::string all(bool is_stderr) const {
    std::string s;
    for (const auto &[e, d] : pieces)
      if (e == is_stderr)
        s += d;
    return s;
  }
};

std::string log_of(std::vector<std::tuple<std::string, std::string, int64_t>> lines) {
  std::string s;
  for (const auto &[text, stream, t] : lines)
    s += supervisor::json_log_line(text, stream, t);
  return s;
}

} // namespace

TEST_CASE("the log renderer prints each stream in pieces, in order") {
  Printed p;
  engine::LogRenderer r({}, [&](bool e, std::string_view d) {
    p.pieces.emplace_back(e, std::string(d));
    return true;
  });
  auto log = log_of({{"a\n", "stdout", t0}, {"b\n", "stdout", t0}, {"E\n", "stderr", t0},
                     {"c\n", "stdout", t0}});
  // A line that is no log entry is skipped.
  log.insert(log.find("{\"log\":\"E"), "garbage\n");
  CHECK(r.feed(log));
  CHECK(r.flush());
  REQUIRE(p.pieces.size() == 3);
  CHECK(p.pieces[0] == std::pair<bool, std::string>{false, "a\nb\n"});
  CHECK(p.pieces[1] == std::pair<bool, std::string>{true, "E\n"});
  CHECK(p.pieces[2] == std::pair<bool, std::string>{false, "c\n"});
}

TEST_CASE("the log renderer applies --since, --until and -t") {
  auto log = log_of({{"a\n", "stdout", t0}, {"b\n", "stderr", t0 + 10 * ms},
                     {"c\n", "stdout", t0 + 20 * ms}, {"d\n", "stdout", t0 + 30 * ms}});
  Printed p;
  auto sink = [&](bool e, std::string_view d) {
    p.pieces.emplace_back(e, std::string(d));
    return true;
  };
  engine::LogsRequest q;
  q.since = t0 + 10 * ms;
  q.until = t0 + 20 * ms;
  engine::LogRenderer r(q, sink);
  // --until stops at the first later line: nothing after it is wanted.
  CHECK_FALSE(r.feed(log));
  r.flush();
  CHECK(p.all(false) == "c\n");
  CHECK(p.all(true) == "b\n");

  p.pieces.clear();
  engine::LogsRequest ts;
  ts.timestamps = true;
  engine::LogRenderer rt(ts, sink);
  CHECK(rt.feed(log));
  rt.flush();
  CHECK(p.all(false) == "2026-11-22T18:26:55.000000000Z a\n2026-11-22T18:26:55.020000000Z c\n"
                       "2026-11-22T18:26:55.030000000Z d\n");
  CHECK(p.all(true) == "2026-11-22T18:26:55.010000000Z b\n");
}

TEST_CASE("the log renderer stops when the sink does, and hands over big output in pieces") {
  std::string log;
  for (int i = 0; i < 20000; i++)
    log += supervisor::json_log_line(std::string(30, 'x') + "\n", "stdout", t0);
  size_t calls = 0, bytes = 0;
  engine::LogRenderer r({}, [&](bool, std::string_view d) {
    calls++;
    bytes += d.size();
    CHECK(d.size() <= engine::LogRenderer::kChunk + 64);
    return true;
  });
  CHECK(r.feed(log));
  r.flush();
  CHECK(bytes == 20000 * 31);
  CHECK(calls == 3);

  calls = 0;
  engine::LogRenderer stop({}, [&](bool, std::string_view) {
    calls++;
    return false;
  });
  CHECK_FALSE(stop.feed(log));
  CHECK(calls == 1);
}

TEST_CASE("tail_offset finds the last whole lines from the end") {
  auto at = [](const std::string &text, long long n) {
    auto fd = memfd(text);
    auto off = engine::tail_offset(fd.get(), static_cast<int64_t>(text.size()), n);
    REQUIRE(off);
    return text.substr(static_cast<size_t>(*off));
  };
  std::string three = "a\nbb\nccc\n";
  CHECK(at(three, 0) == "");
  CHECK(at(three, 1) == "ccc\n");
  CHECK(at(three, 2) == "bb\nccc\n");
  CHECK(at(three, 3) == three);
  CHECK(at(three, 10) == three);
  CHECK(at("", 2) == "");
  // A last line still being written is not a line yet: it is read after
  // the whole ones.
  CHECK(at("a\nbb\ncc", 1) == "bb\ncc");
  CHECK(at("a\nbb\ncc", 0) == "cc");
  CHECK(at("partial", 1) == "partial");
  // Lines across the 64 KiB blocks it reads.
  std::string big;
  for (int i = 0; i < 5000; i++)
    big += std::to_string(i) + std::string(100, '.') + "\n";
  std::string last;
  for (int i = 4000; i < 5000; i++)
    last += std::to_string(i) + std::string(100, '.') + "\n";
  CHECK(at(big, 1000) == last);
  CHECK(at(std::string(200000, 'y') + "\nz\n", 1) == "z\n");
  CHECK(at(std::string(200000, 'y') + "\nz\n", 2) == std::string(200000, 'y') + "\nz\n");
}
