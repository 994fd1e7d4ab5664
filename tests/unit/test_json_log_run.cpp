// decode_json_log_run, the fast way through a long log, against the one
// line at a time decoding (and its JSON parser) that defines the output.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "skiff/engine/logs.hpp"
#include "skiff/supervisor/json_log.hpp"

using namespace skiff;

namespace {

constexpr int64_t t0 = 1795372015'123456789;

using Pieces = std::vector<std::pair<bool, std::string>>;

// Pieces of one stream in a row joined, as a reader of both sees them.
Pieces joined(const Pieces &in) {
  Pieces out;
  for (const auto &[e, s] : in) {
    if (s.empty())
      continue;
    if (!out.empty() && out.back().first == e)
      out.back().second += s;
    else
      out.emplace_back(e, s);
  }
  return out;
}

// What logs prints of `log`, one line at a time.
Pieces by_line(std::string_view log) {
  Pieces out;
  while (!log.empty()) {
    size_t nl = log.find('\n');
    std::string_view line = log.substr(0, nl);
    log.remove_prefix(nl == std::string_view::npos ? log.size() : nl + 1);
    std::string text, scratch;
    if (auto f = supervisor::decode_json_log_line(line, text, scratch))
      out.emplace_back(f->is_stderr, text);
  }
  return joined(out);
}

struct RunResult {
  supervisor::LogRun run;
  std::string text;
};

RunResult run(std::string_view data, bool is_stderr) {
  std::string out(data.size() + supervisor::kRunSlack, '\0');
  auto r = supervisor::decode_json_log_run(data, is_stderr, out.data());
  out.resize(r.written);
  return {r, out};
}

std::string texts(const std::vector<std::string> &lines) {
  std::string s;
  for (const auto &l : lines)
    s += l;
  return s;
}

// Text of every kind the writer escapes, and lengths around 16.
std::string random_text(std::mt19937 &rng) {
  static const std::vector<std::string> bits = {
      "a",  "0123456789", "xyzXYZ", " ",    "\"",       "\\",           "/",    "\t", "\r", "\x01",
      "\x1f", "<",       ">",      "&",    "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x90\xb3",
      "\xe2\x80\xa8", "\x80", "\xc0\xaf", "\n"};
  std::string s;
  size_t n = std::uniform_int_distribution<size_t>(0, 40)(rng);
  for (size_t i = 0; i < n; i++) {
    const auto &b = bits[std::uniform_int_distribution<size_t>(0, bits.size() - 1)(rng)];
    // Mostly plain text, as logs are.
    s += std::uniform_int_distribution<int>(0, 3)(rng) ? bits[std::uniform_int_distribution<size_t>(0, 2)(rng)] : b;
  }
  return s;
}

// A log as the supervisor writes it, with now and then a line of another
// writer, a time of another length or form, or no JSON at all.
std::string random_log(std::mt19937 &rng, size_t lines, int stderr_every) {
  std::string log;
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  for (size_t i = 0; i < lines; i++) {
    std::string text = random_text(rng);
    if (pick(4))
      text += '\n';
    const char *stream = stderr_every && pick(stderr_every) == 0 ? "stderr" : "stdout";
    // Times with trailing zeros dropped, down to whole seconds.
    int64_t t = t0 + pick(1000) * int64_t{1000000} + (pick(2) ? pick(1000) : 0);
    std::string line = supervisor::json_log_line(text, stream, t);
    switch (pick(40)) {
    case 0:
      line = R"({"stream":"stdout","log":"other order\n","time":"2026-11-22T18:26:55Z"})"
             "\n";
      break;
    case 1:
      line = R"({"log":"offset\n","stream":"stdout","time":"2026-11-22T18:26:55.123456789+01:00"})"
             "\n";
      break;
    case 2:
      line = R"({"log":"time escaped\n","stream":"stdout","time":"2026-11-22T18:26:55\u002e5Z"})"
             "\n";
      break;
    case 3:
      line = "not json\n";
      break;
    case 4:
      line = R"({"log":"raw)" "\x01" R"(control","stream":"stdout","time":"2026-11-22T18:26:55Z"})"
             "\n";
      break;
    case 6:
      line = R"({"log":"key after\n","stream":"stderr","time":"2026-11-22T18:26:55.123456789Z","x":"y"})"
             "\n";
      break;
    case 5:
      line = R"({"log":"\ud83d\udc33 \ud800 \u00e9\n","stream":"stdout","time":"2026-11-22T18:26:55Z"})"
             "\n";
      break;
    default:
      break;
    }
    log += line;
  }
  return log;
}

} // namespace

TEST_CASE("a run decodes the lines of one stream, in both lanes, as one line at a time does") {
  std::vector<std::string> want;
  std::string log;
  for (int i = 0; log.size() < 40000; i++) {
    std::string text = "line " + std::to_string(i) + (i % 3 ? "\n" : " \"q\" \\ <&>\n");
    want.push_back(text);
    log += supervisor::json_log_line(text, "stdout", t0 + i);
  }
  auto r = run(log, false);
  CHECK(r.run.used == log.size());
  CHECK(r.text == texts(want));
  // Nothing of the other stream.
  r = run(log, true);
  CHECK(r.run.used == 0);
  CHECK(r.text.empty());
}

TEST_CASE("a run stops before a line of the other stream or of another shape, in either half") {
  std::vector<std::string> lines, texts_of;
  for (int i = 0; i < 1000; i++) {
    texts_of.push_back("text of line " + std::to_string(i) + "\n");
    lines.push_back(supervisor::json_log_line(texts_of.back(), "stdout", t0 + i));
  }
  for (size_t stop : {size_t{0}, size_t{1}, size_t{200}, size_t{499}, size_t{500}, size_t{501}, size_t{800},
                      size_t{999}}) {
    for (const std::string &odd : {supervisor::json_log_line("err\n", "stderr", t0), std::string("garbage\n"),
                                   std::string(R"({"stream":"stdout","log":"x"})"
                                               "\n")}) {
      auto copy = lines;
      copy[stop] = odd;
      std::string log;
      size_t offset = 0;
      for (size_t i = 0; i < copy.size(); i++) {
        if (i == stop)
          offset = log.size();
        log += copy[i];
      }
      auto r = run(log, false);
      CHECK(r.run.used == offset);
      CHECK(r.text == texts(std::vector<std::string>(texts_of.begin(), texts_of.begin() + static_cast<long>(stop))));
    }
  }
}

TEST_CASE("a run leaves a last line without its newline") {
  std::string log = supervisor::json_log_line("a\n", "stdout", t0);
  std::string last = supervisor::json_log_line("b\n", "stdout", t0);
  last.pop_back();
  auto r = run(log + last, false);
  CHECK(r.run.used == log.size());
  CHECK(r.text == "a\n");
}

TEST_CASE("logs prints random logs as one line at a time does, in any pieces") {
  std::mt19937 rng(9);
  for (int stderr_every : {0, 2, 50}) {
    std::string log = random_log(rng, 6000, stderr_every);
    Pieces got;
    engine::LogRenderer r({}, [&](bool e, std::string_view d) {
      got.emplace_back(e, std::string(d));
      return true;
    });
    // Whole lines, in pieces of random length, as reads bring them.
    std::string_view rest(log);
    while (!rest.empty()) {
      size_t n = std::uniform_int_distribution<size_t>(1, 300000)(rng);
      size_t cut = rest.rfind('\n', n);
      if (cut == std::string_view::npos)
        cut = rest.find('\n');
      cut = cut == std::string_view::npos ? rest.size() : cut + 1;
      CHECK(r.feed(rest.substr(0, cut)));
      rest.remove_prefix(cut);
    }
    CHECK(r.flush());
    INFO("stderr every " << stderr_every);
    CHECK(joined(got) == by_line(log));
  }
}
