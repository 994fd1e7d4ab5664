// docker pull's progress display: the bar as Docker's JSONProgress draws
// it, lines redrawn in place on a terminal, plain lines elsewhere.
#include <catch2/catch.hpp>

#include "skiff/cli/progress.hpp"

using namespace skiff;
using cli::progress_bar;
using cli::ProgressDisplay;
using engine::ProgressEvent;

namespace {

struct Screen {
  std::string out;
  int64_t now = 0;
  ProgressDisplay display(bool terminal, int width = 150) {
    return ProgressDisplay([this](std::string_view s) { out += s; }, terminal, width, [this] { return now; });
  }
};

} // namespace

TEST_CASE("progress bar: Docker's layout and go-units sizes", "[progress]") {
  CHECK(progress_bar(0, 0, 150, 0).empty());
  CHECK(progress_bar(12345678, 45600000, 150, 0) ==
        "[=============>                                     ]  12.35MB/45.6MB");
  CHECK(progress_bar(0, 45600000, 150, 0) ==
        "[>                                                  ]       0B/45.6MB");
  CHECK(progress_bar(45600000, 45600000, 150, 3e6) ==
        "[==================================================>]   45.6MB/45.6MB");
  // Narrow terminals lose the bar (at 110 columns), then the rate (at 50).
  CHECK(progress_bar(12345678, 45600000, 110, 3100000) == " 12.35MB/45.6MB 3.1MB/s");
  CHECK(progress_bar(12345678, 45600000, 50, 3100000) == " 12.35MB/45.6MB");
  CHECK(progress_bar(2048, 0, 150, 0) == " 2.048kB");
  // A current beyond the total drops the total.
  CHECK(progress_bar(2000, 1000, 40, 0) == "     2kB");
  CHECK(progress_bar(999, 1000000, 200, 512) ==
        "[>                                                  ]     999B/1MB 512B/s");
}

TEST_CASE("progress display: plain lines without a terminal", "[progress]") {
  Screen s;
  auto d = s.display(false);
  d.show(ProgressEvent("latest: Pulling from app"));
  d.show({"aaa", "Pulling fs layer"});
  d.show({"aaa", "Downloading", 10, 100});
  d.show({"aaa", "Pull complete"});
  d.show(ProgressEvent("Digest: sha256:x"));
  CHECK(s.out == "latest: Pulling from app\naaa: Pulling fs layer\naaa: Pull complete\nDigest: sha256:x\n");
}

TEST_CASE("progress display: a line per layer, redrawn in place, at most every 100 ms", "[progress]") {
  Screen s;
  auto d = s.display(true);
  d.show(ProgressEvent("latest: Pulling from app"));
  d.show({"aaa", "Pulling fs layer"});
  d.show({"bbb", "Pulling fs layer"});
  CHECK(s.out == "latest: Pulling from app\n"
                 "\n\x1b[1A\x1b[2K\raaa: Pulling fs layer \r\x1b[1B"
                 "\n\x1b[1A\x1b[2K\rbbb: Pulling fs layer \r\x1b[1B");
  s.out.clear();
  // The upper line: two up, two down.
  d.show({"aaa", "Downloading", 0, 1000});
  CHECK(s.out == "\x1b[2A\x1b[2K\raaa: Downloading "
                 "[>                                                  ]       0B/1kB\r\x1b[2B");
  s.out.clear();
  s.now = 50;
  d.show({"aaa", "Downloading", 100, 1000});
  CHECK(s.out.empty());
  s.now = 100;
  d.show({"aaa", "Downloading", 500, 1000});
  CHECK(s.out == "\x1b[2A\x1b[2K\raaa: Downloading "
                 "[=========================>                         ]     500B/1kB 5kB/s\r\x1b[2B");
  s.out.clear();
  // The last bytes and a new status are drawn at once.
  s.now = 120;
  d.show({"aaa", "Downloading", 1000, 1000});
  CHECK_FALSE(s.out.empty());
  s.out.clear();
  d.show({"aaa", "Pull complete"});
  CHECK(s.out == "\x1b[2A\x1b[2K\raaa: Pull complete \r\x1b[2B");
  s.out.clear();
  // A plain line ends the block: a layer after it starts a new one.
  d.show(ProgressEvent("Digest: sha256:x"));
  d.show({"aaa", "Already exists"});
  CHECK(s.out == "Digest: sha256:x\n\n\x1b[1A\x1b[2K\raaa: Already exists \r\x1b[1B");
}
