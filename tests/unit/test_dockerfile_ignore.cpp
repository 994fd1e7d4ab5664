// Unit tests for dockerfile/ignore: moby/patternmatcher's test tables
// (TestMatches, the filepath.Match table of TestMatch), ignorefile's
// TestReadAll, and fsutil's walk decisions.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "skiff/dockerfile/ignore.hpp"

using skiff::dockerfile::IgnoreRules;

namespace {

IgnoreRules rules(const std::vector<std::string> &patterns) {
  auto r = IgnoreRules::from_patterns(patterns);
  if (!r)
    FAIL("patterns refused: " << r.error().message);
  return std::move(*r);
}

struct MatchCase {
  const char *pattern;
  const char *path;
  bool excluded;
};

} // namespace

TEST_CASE("ignore: patternmatcher's TestMatches table", "[dockerfile]") {
  const MatchCase cases[] = {
      {"**", "file", true},
      {"**", "file/", true},
      {"**/", "file", true},
      {"**/", "file/", true},
      {"**", "/", true},
      {"**/", "/", true},
      {"**", "dir/file", true},
      {"**/", "dir/file", true},
      {"**", "dir/file/", true},
      {"**/", "dir/file/", true},
      {"**/**", "dir/file", true},
      {"**/**", "dir/file/", true},
      {"dir/**", "dir/file", true},
      {"dir/**", "dir/file/", true},
      {"dir/**", "dir/dir2/file", true},
      {"dir/**", "dir/dir2/file/", true},
      {"**/dir", "dir", true},
      {"**/dir", "dir/file", true},
      {"**/dir2/*", "dir/dir2/file", true},
      {"**/dir2/*", "dir/dir2/file/", true},
      {"**/dir2/**", "dir/dir2/dir3/file", true},
      {"**/dir2/**", "dir/dir2/dir3/file/", true},
      {"**file", "file", true},
      {"**file", "dir/file", true},
      {"**/file", "dir/file", true},
      {"**file", "dir/dir/file", true},
      {"**/file", "dir/dir/file", true},
      {"**/file*", "dir/dir/file", true},
      {"**/file*", "dir/dir/file.txt", true},
      {"**/file*txt", "dir/dir/file.txt", true},
      {"**/file*.txt", "dir/dir/file.txt", true},
      {"**/file*.txt*", "dir/dir/file.txt", true},
      {"**/**/*.txt", "dir/dir/file.txt", true},
      {"**/**/*.txt2", "dir/dir/file.txt", false},
      {"**/*.txt", "file.txt", true},
      {"**/**/*.txt", "file.txt", true},
      {"a**/*.txt", "a/file.txt", true},
      {"a**/*.txt", "a/dir/file.txt", true},
      {"a**/*.txt", "a/dir/dir/file.txt", true},
      {"a/*.txt", "a/dir/file.txt", false},
      {"a/*.txt", "a/file.txt", true},
      {"a/*.txt**", "a/file.txt", true},
      {"a[b-d]e", "ae", false},
      {"a[b-d]e", "ace", true},
      {"a[b-d]e", "aae", false},
      {"a[^b-d]e", "aze", true},
      {".*", ".foo", true},
      {".*", "foo", false},
      {"abc.def", "abcdef", false},
      {"abc.def", "abc.def", true},
      {"abc.def", "abcZdef", false},
      {"abc?def", "abcZdef", true},
      {"abc?def", "abcdef", false},
      {"a\\\\", "a\\", true},
      {"**/foo/bar", "foo/bar", true},
      {"**/foo/bar", "dir/foo/bar", true},
      {"**/foo/bar", "dir/dir2/foo/bar", true},
      {"abc/**", "abc", false},
      {"abc/**", "abc/def", true},
      {"abc/**", "abc/def/ghi", true},
      {"**/.foo", ".foo", true},
      {"**/.foo", "bar.foo", false},
      {"a(b)c/def", "a(b)c/def", true},
      {"a(b)c/def", "a(b)c/xyz", false},
      {"a.|)$(}+{bc", "a.|)$(}+{bc", true},
      {"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
       "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true},
      {"dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true},
      {"a\\*b", "a*b", true},
  };
  for (const MatchCase &c : cases) {
    INFO("pattern " << c.pattern << ", path " << c.path);
    CHECK(rules({c.pattern}).excluded(c.path) == c.excluded);
  }

  struct Multi {
    std::vector<std::string> patterns;
    const char *path;
    bool excluded;
  };
  const Multi multi[] = {
      {{"**", "!util/docker/web"}, "util/docker/web/foo", false},
      {{"**", "!util/docker/web", "util/docker/web/foo"}, "util/docker/web/foo", true},
      {{"**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"},
       "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false},
      {{"**", "!dist/*.whl"}, "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false},
  };
  for (const Multi &c : multi) {
    INFO("path " << c.path);
    CHECK(rules(c.patterns).excluded(c.path) == c.excluded);
  }
}

TEST_CASE("ignore: the filepath.Match table of patternmatcher's TestMatch", "[dockerfile]") {
  const MatchCase cases[] = {
      {"abc", "abc", true},
      {"*", "abc", true},
      {"*c", "abc", true},
      {"a*", "a", true},
      {"a*", "abc", true},
      {"a*", "ab/c", true},
      {"a*/b", "abc/b", true},
      {"a*/b", "a/c/b", false},
      {"a*b*c*d*e*/f", "axbxcxdxe/f", true},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true},
      {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false},
      {"a*b?c*x", "abxbbxdbxebxczzx", true},
      {"a*b?c*x", "abxbbxdbxebxczzy", false},
      {"ab[c]", "abc", true},
      {"ab[b-d]", "abc", true},
      {"ab[e-g]", "abc", false},
      {"ab[^c]", "abc", false},
      {"ab[^b-d]", "abc", false},
      {"ab[^e-g]", "abc", true},
      {"a\\*b", "a*b", true},
      {"a\\*b", "ab", false},
      {"a?b", "a☺b", true},
      {"a[^a]b", "a☺b", true},
      {"a???b", "a☺b", false},
      {"a[^a][^a][^a]b", "a☺b", false},
      {"[a-ζ]*", "α", true},
      {"*[a-ζ]", "A", false},
      {"a?b", "a/b", false},
      {"a*b", "a/b", false},
      {"[\\]a]", "]", true},
      {"[\\-]", "-", true},
      {"[x\\-]", "x", true},
      {"[x\\-]", "-", true},
      {"[x\\-]", "z", false},
      {"[\\-x]", "x", true},
      {"[\\-x]", "-", true},
      {"[\\-x]", "a", false},
      {"*x", "xxx", true},
  };
  for (const MatchCase &c : cases) {
    INFO("pattern " << c.pattern << ", path " << c.path);
    CHECK(rules({c.pattern}).excluded(c.path) == c.excluded);
  }
  // "." is never excluded: Docker will not leave out the whole context.
  CHECK_FALSE(rules({"*"}).excluded("."));
}

TEST_CASE("ignore: bad patterns are refused with Go's words", "[dockerfile]") {
  for (const char *bad : {"[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[",
                          "a[\\", "[a-"}) {
    INFO("pattern " << bad);
    auto r = IgnoreRules::from_patterns({bad});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("syntax error in pattern") != std::string::npos);
  }
  // filepath.Match accepts a reversed range; Go's regexp then refuses it
  // (patternmatcher's regression test for moby/moby#52203).
  auto reversed = IgnoreRules::from_patterns({"[Local-Only]/"});
  REQUIRE_FALSE(reversed.ok());
  CHECK(reversed.error().message == R"("[Local-Only]": syntax error in pattern)");
  auto bang = IgnoreRules::from_patterns({"docs", "!"});
  REQUIRE_FALSE(bang.ok());
  CHECK(bang.error().message == R"(illegal exclusion pattern: "!")");
}

TEST_CASE("ignore: a .dockerignore file as ignorefile.ReadAll reads it", "[dockerfile]") {
  auto r = IgnoreRules::parse("\xef\xbb\xbftest1\r\n"
                              "/test2\n"
                              "/a/file/here\n"
                              "\n"
                              "lastfile\n"
                              "# this is a comment\n"
                              "  # not a comment: only the first column starts one\n"
                              "! /inverted/abs/path\n"
                              "x/../y/./z/\n"
                              "\t spaced \t\n");
  REQUIRE(r.ok());
  CHECK(r->excluded("test1"));
  CHECK(r->excluded("test2"));
  CHECK(r->excluded("a/file/here"));
  CHECK_FALSE(r->excluded("a/file"));
  CHECK(r->excluded("lastfile"));
  CHECK_FALSE(r->excluded("# this is a comment"));
  CHECK(r->excluded("# not a comment: only the first column starts one"));
  CHECK(r->excluded("y/z/f"));
  CHECK(r->excluded("spaced"));
  CHECK_FALSE(r->excluded("inverted/abs/path"));

  auto bang = IgnoreRules::parse("a\n!\n");
  REQUIRE_FALSE(bang.ok());
  CHECK(bang.error().message == R"(illegal exclusion pattern: "!")");

  auto empty = IgnoreRules::parse("# nothing\n\n   \n");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  CHECK_FALSE(empty->excluded("anything"));
}

TEST_CASE("ignore: exceptions and directories", "[dockerfile]") {
  IgnoreRules r = rules({"build", "!build/keep.txt", "*.log", "!important.log"});
  CHECK(r.excluded("build"));
  CHECK(r.excluded("build/other.txt"));
  CHECK_FALSE(r.excluded("build/keep.txt"));
  CHECK(r.excluded("debug.log"));
  CHECK_FALSE(r.excluded("important.log"));
  CHECK_FALSE(r.excluded("src/debug.log"));  // `*` does not cross '/'
  CHECK(r.excluded("./build/x"));
  CHECK(rules({"**/*.log"}).excluded("src/debug.log"));
  // `**file` is a plain suffix to patternmatcher.
  CHECK(rules({"**file"}).excluded("dir/myfile"));
  // Without a wildcard a pattern is compared as text; with one, a '^'
  // reaches Go's regexp as an anchor: "^a*" is "a*", "a^b*" nothing.
  CHECK(rules({"a^b"}).excluded("a^b"));
  CHECK(rules({"^a*"}).excluded("ab"));
  CHECK_FALSE(rules({"^a*"}).excluded("^ab"));
  CHECK_FALSE(rules({"a^b*"}).excluded("a^bc"));
  // The class closes at the first ']' in the regexp patternmatcher builds.
  CHECK(rules({"[*]"}).excluded("[]"));
  CHECK(rules({"[[:digit:]]x"}).excluded("7x"));
}

// BuildKit's walk reuses a parent directory's results: a pattern skipped
// for the parent ("!a", nothing to undo yet) is not retried on the parent
// for the child. patternmatcher.MatchesOrParentMatches would keep "a/b".
TEST_CASE("ignore: parents are matched first, as BuildKit's context walk does", "[dockerfile]") {
  IgnoreRules r = rules({"a/b", "!a"});
  CHECK_FALSE(r.excluded("a"));
  CHECK(r.excluded("a/b"));
  CHECK(r.excluded("a/b/c"));
}

TEST_CASE("ignore: whether the walk must enter an excluded directory", "[dockerfile]") {
  CHECK_FALSE(rules({"build"}).may_include_below("build"));
  IgnoreRules keep = rules({"build", "!build/keep.txt"});
  CHECK(keep.may_include_below("build"));
  CHECK_FALSE(keep.may_include_below("dist"));
  CHECK_FALSE(keep.may_include_below("bui"));
  IgnoreRules deep = rules({"*", "!a/b/c"});
  CHECK(deep.may_include_below("a"));
  CHECK(deep.may_include_below("a/b"));
  CHECK_FALSE(deep.may_include_below("a/x"));
  // A trailing /** or /* is dropped before comparing.
  IgnoreRules tree = rules({"*", "!src/**"});
  CHECK(tree.may_include_below("src"));
  CHECK_FALSE(tree.may_include_below("docs"));
  // Any wildcard left in an exception: every directory may hold a match.
  IgnoreRules wild = rules({"*", "!**/*.go"});
  CHECK(wild.may_include_below("anything"));
  CHECK(wild.may_include_below("deep/dir"));
}
