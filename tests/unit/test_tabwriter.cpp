// Unit tests for tabwrite: outputs worked out from Go's text/tabwriter.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "skiff/gotmpl/tabwriter.hpp"
#include "skiff/gotmpl/template.hpp"

using skiff::gotmpl::tabwrite;

TEST_CASE("docker ps table with docker/cli's settings", "[tabwriter]") {
  // Columns are the widest cell + 3; the last cell of a line is not padded.
  CHECK(tabwrite("CONTAINER ID\tIMAGE\tNAMES\nabc\tbusybox:latest\tweb\n") ==
        "CONTAINER ID   IMAGE            NAMES\n"
        "abc            busybox:latest   web\n");
}

TEST_CASE("minwidth, padding and text without a final newline", "[tabwriter]") {
  CHECK(tabwrite("a\tb\nccc\td\n") == "a         b\nccc       d\n");
  CHECK(tabwrite("a\tb") == "a         b");
  CHECK(tabwrite("a\tb\n", 0, 8, 1, '.') == "a.b\n");
  CHECK(tabwrite("") == "");
  CHECK(tabwrite("no tabs\nat all") == "no tabs\nat all");
  // An empty last cell still pads its column's earlier cells.
  CHECK(tabwrite("a\t\n", 0, 8, 1, '.') == "a.\n");
}

TEST_CASE("column blocks end at lines with fewer cells", "[tabwriter]") {
  // The example from Go's package documentation: b and c are in distinct
  // columns because the b column is interrupted by the "a" line.
  CHECK(tabwrite("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n", 0, 8, 1, '.') ==
        "aaaa.bbb.d\n"
        "aa...b...dd\n"
        "a....\n"
        "aa...cccc.eee\n");
  // A line without tabs ends every block.
  CHECK(tabwrite("a\tb\nplain\nccc\td\n", 0, 8, 1, ' ') == "a b\nplain\nccc d\n");
}

TEST_CASE("widths count runes, not bytes", "[tabwriter]") {
  CHECK(tabwrite("h\xc3\xa9llo\tx\nab\ty\n", 0, 8, 1, ' ') == "h\xc3\xa9llo x\nab    y\n");
}

TEST_CASE("tab padding rounds cells up to tab stops", "[tabwriter]") {
  CHECK(tabwrite("a\tb\nlonger text\tc\n", 0, 8, 1, '\t') == "a\t\tb\nlonger text\tc\n");
}

TEST_CASE("form feeds and escapes", "[tabwriter]") {
  // \f ends all columns and prints as a newline.
  CHECK(tabwrite("a\tb\fccc\td\n", 0, 8, 1, ' ') == "a b\nccc d\n");
  // Text between \xff bytes is one unit; the \xff bytes take no width.
  CHECK(tabwrite("\xff"
                 "a\tb\xff\tc\nx\ty\n",
                 0, 8, 1, ' ') == "\xff"
                                  "a\tb\xff c\nx   y\n");
}

TEST_CASE("template rows through tabwrite, as docker's table format does", "[tabwriter]") {
  auto row = skiff::gotmpl::Template::parse("{{.ID}}\t{{.Image}}\t{{join .Names \",\"}}\n");
  REQUIRE(row);
  std::string text = "CONTAINER ID\tIMAGE\tNAMES\n";
  text += *row->render(
      nlohmann::json::parse(R"({"ID":"0123456789ab","Image":"nginx","Names":["web","proxy"]})"));
  text += *row->render(
      nlohmann::json::parse(R"({"ID":"ba9876543210","Image":"redis:7","Names":["cache"]})"));
  CHECK(tabwrite(text) == "CONTAINER ID   IMAGE     NAMES\n"
                          "0123456789ab   nginx     web,proxy\n"
                          "ba9876543210   redis:7   cache\n");
}
