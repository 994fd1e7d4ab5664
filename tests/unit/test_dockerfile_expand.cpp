// Unit tests for dockerfile/expand: BuildKit's shell lexer
// (frontend/dockerfile/shell), its envVarTest and wordsTest tables and the
// cases of its lex_test.go.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skiff/dockerfile/expand.hpp"

using skiff::dockerfile::expand_heredoc;
using skiff::dockerfile::expand_word;
using skiff::dockerfile::expand_words;
using skiff::dockerfile::Lookup;
using skiff::dockerfile::referenced_names;

namespace {

// EnvsFromSlice: "K=V" entries, the last of a key winning; "K" alone is
// set and empty.
Lookup env_of(const std::vector<std::string> &entries) {
  std::map<std::string, std::string, std::less<>> m;
  for (const std::string &e : entries) {
    auto eq = e.find('=');
    m[e.substr(0, eq)] = eq == std::string::npos ? "" : e.substr(eq + 1);
  }
  return [m](std::string_view name) -> std::optional<std::string> {
    auto it = m.find(name);
    if (it == m.end())
      return std::nullopt;
    return it->second;
  };
}

struct EnvVarCase {
  const char *source;
  std::optional<std::string> expected;  // none: an error
};

struct WordsCase {
  std::vector<std::string> env;
  const char *source;
  std::vector<std::string> expected;  // {"error"}: an error
};

// BuildKit's frontend/dockerfile/shell/envVarTest (Unix and all-platform
// rows), with PWD=/home SHELL=bash KOREAN=한국어 NULL= set.
const EnvVarCase kEnvVarCases[] = {
    {R"~(hello)~", R"~(hello)~"},
    {R"~(he'll'o)~", R"~(hello)~"},
    {R"~(he'llo)~", std::nullopt},
    {R"~(he\'llo)~", R"~(he'llo)~"},
    {R"~(he\\'llo)~", std::nullopt},
    {R"~(abc\tdef)~", R"~(abctdef)~"},
    {R"~("abc\tdef")~", R"~(abc\tdef)~"},
    {R"~("abc\\tdef")~", R"~(abc\tdef)~"},
    {R"~('abc\tdef')~", R"~(abc\tdef)~"},
    {R"~(hello\)~", R"~(hello)~"},
    {R"~(hello\\)~", R"~(hello\)~"},
    {R"~("hello)~", std::nullopt},
    {R"~("hello\")~", std::nullopt},
    {R"~("hel'lo")~", R"~(hel'lo)~"},
    {R"~('hello)~", std::nullopt},
    {R"~('hello\')~", R"~(hello\)~"},
    {R"~('hello\there')~", R"~(hello\there)~"},
    {R"~('hello\\there')~", R"~(hello\\there)~"},
    {R"~("''")~", R"~('')~"},
    {R"~($.)~", R"~($.)~"},
    {R"~(he$1x)~", R"~(hex)~"},
    {R"~(he$.x)~", R"~(he$.x)~"},
    {R"~(he$pwd.)~", R"~(he.)~"},
    {R"~(he$PWD)~", R"~(he/home)~"},
    {R"~(he\$PWD)~", R"~(he$PWD)~"},
    {R"~(he\\$PWD)~", R"~(he\/home)~"},
    {R"~("he\$PWD")~", R"~(he$PWD)~"},
    {R"~("he\\$PWD")~", R"~(he\/home)~"},
    {R"~(\${})~", R"~(${})~"},
    {R"~(\${}aaa)~", R"~(${}aaa)~"},
    {R"~(he\${})~", R"~(he${})~"},
    {R"~(he\${}xx)~", R"~(he${}xx)~"},
    {R"~(${})~", std::nullopt},
    {R"~(${}aaa)~", std::nullopt},
    {R"~(he${})~", std::nullopt},
    {R"~(he${}xx)~", std::nullopt},
    {R"~(he${hi})~", R"~(he)~"},
    {R"~(he${hi}xx)~", R"~(hexx)~"},
    {R"~(he${PWD})~", R"~(he/home)~"},
    {R"~(he${.})~", std::nullopt},
    {R"~(he${XXX:-000}xx)~", R"~(he000xx)~"},
    {R"~(he${PWD:-000}xx)~", R"~(he/homexx)~"},
    {R"~(he${XXX:-$PWD}xx)~", R"~(he/homexx)~"},
    {R"~(he${XXX:-${PWD:-yyy}}xx)~", R"~(he/homexx)~"},
    {R"~(he${XXX:-${YYY:-yyy}}xx)~", R"~(heyyyxx)~"},
    {R"~(he${XXX:YYY})~", std::nullopt},
    {R"~(he${XXX?})~", std::nullopt},
    {R"~(he${XXX:?})~", std::nullopt},
    {R"~(he${PWD?})~", R"~(he/home)~"},
    {R"~(he${PWD:?})~", R"~(he/home)~"},
    {R"~(he${NULL?})~", R"~(he)~"},
    {R"~(he${NULL:?})~", std::nullopt},
    {R"~(he${XXX:+${PWD}}xx)~", R"~(hexx)~"},
    {R"~(he${PWD:+${XXX}}xx)~", R"~(hexx)~"},
    {R"~(he${PWD:+${SHELL}}xx)~", R"~(hebashxx)~"},
    {R"~(he${XXX:+000}xx)~", R"~(hexx)~"},
    {R"~(he${PWD:+000}xx)~", R"~(he000xx)~"},
    {R"~('he${XX}')~", R"~(he${XX})~"},
    {R"~("he${PWD}")~", R"~(he/home)~"},
    {R"~("he'$PWD'")~", R"~(he'/home')~"},
    {R"~("$PWD")~", R"~(/home)~"},
    {R"~('$PWD')~", R"~($PWD)~"},
    {R"~('\$PWD')~", R"~(\$PWD)~"},
    {R"~('"hello"')~", R"~("hello")~"},
    {R"~(he\$PWD)~", R"~(he$PWD)~"},
    {R"~("he\$PWD")~", R"~(he$PWD)~"},
    {R"~('he\$PWD')~", R"~(he\$PWD)~"},
    {R"~(he${PWD)~", std::nullopt},
    {R"~(he${PWD:=000}xx)~", std::nullopt},
    {R"~(he${PWD:+${PWD}:}xx)~", R"~(he/home:xx)~"},
    {R"~(he${XXX:-\$PWD:}xx)~", R"~(he$PWD:xx)~"},
    {R"~(he${XXX:-\${PWD}z}xx)~", R"~(he${PWDz}xx)~"},
    {R"~(안녕하세요)~", R"~(안녕하세요)~"},
    {R"~(안'녕'하세요)~", R"~(안녕하세요)~"},
    {R"~(안'녕하세요)~", std::nullopt},
    {R"~(안녕\'하세요)~", R"~(안녕'하세요)~"},
    {R"~(안\\'녕하세요)~", std::nullopt},
    {R"~(안녕\t하세요)~", R"~(안녕t하세요)~"},
    {R"~("안녕\t하세요")~", R"~(안녕\t하세요)~"},
    {R"~('안녕\t하세요)~", std::nullopt},
    {R"~(안녕하세요\)~", R"~(안녕하세요)~"},
    {R"~(안녕하세요\\)~", R"~(안녕하세요\)~"},
    {R"~("안녕하세요)~", std::nullopt},
    {R"~("안녕하세요\")~", std::nullopt},
    {R"~("안녕'하세요")~", R"~(안녕'하세요)~"},
    {R"~('안녕하세요)~", std::nullopt},
    {R"~('안녕하세요\')~", R"~(안녕하세요\)~"},
    {R"~(안녕$1x)~", R"~(안녕x)~"},
    {R"~(안녕$.x)~", R"~(안녕$.x)~"},
    {R"~(안녕$pwd.)~", R"~(안녕.)~"},
    {R"~(안녕$PWD)~", R"~(안녕/home)~"},
    {R"~(안녕\$PWD)~", R"~(안녕$PWD)~"},
    {R"~(안녕\\$PWD)~", R"~(안녕\/home)~"},
    {R"~(안녕\${})~", R"~(안녕${})~"},
    {R"~(안녕\${}xx)~", R"~(안녕${}xx)~"},
    {R"~(안녕${})~", std::nullopt},
    {R"~(안녕${}xx)~", std::nullopt},
    {R"~(안녕${hi})~", R"~(안녕)~"},
    {R"~(안녕${hi}xx)~", R"~(안녕xx)~"},
    {R"~(안녕${PWD})~", R"~(안녕/home)~"},
    {R"~(안녕${.})~", std::nullopt},
    {R"~(안녕${XXX:-000}xx)~", R"~(안녕000xx)~"},
    {R"~(안녕${PWD:-000}xx)~", R"~(안녕/homexx)~"},
    {R"~(안녕${XXX:-$PWD}xx)~", R"~(안녕/homexx)~"},
    {R"~(안녕${XXX:-${PWD:-yyy}}xx)~", R"~(안녕/homexx)~"},
    {R"~(안녕${XXX:-${YYY:-yyy}}xx)~", R"~(안녕yyyxx)~"},
    {R"~(안녕${XXX:YYY})~", std::nullopt},
    {R"~(안녕${XXX:+${PWD}}xx)~", R"~(안녕xx)~"},
    {R"~(안녕${PWD:+${XXX}}xx)~", R"~(안녕xx)~"},
    {R"~(안녕${PWD:+${SHELL}}xx)~", R"~(안녕bashxx)~"},
    {R"~(안녕${XXX:+000}xx)~", R"~(안녕xx)~"},
    {R"~(안녕${PWD:+000}xx)~", R"~(안녕000xx)~"},
    {R"~('안녕${XX}')~", R"~(안녕${XX})~"},
    {R"~("안녕${PWD}")~", R"~(안녕/home)~"},
    {R"~("안녕'$PWD'")~", R"~(안녕'/home')~"},
    {R"~('"안녕"')~", R"~("안녕")~"},
    {R"~(안녕\$PWD)~", R"~(안녕$PWD)~"},
    {R"~("안녕\$PWD")~", R"~(안녕$PWD)~"},
    {R"~('안녕\$PWD')~", R"~(안녕\$PWD)~"},
    {R"~(안녕${PWD)~", std::nullopt},
    {R"~(안녕${PWD:=000}xx)~", std::nullopt},
    {R"~(안녕${PWD:+${PWD}:}xx)~", R"~(안녕/home:xx)~"},
    {R"~(안녕${XXX:-\$PWD:}xx)~", R"~(안녕$PWD:xx)~"},
    {R"~(안녕${XXX:-\${PWD}z}xx)~", R"~(안녕${PWDz}xx)~"},
    {R"~($KOREAN)~", R"~(한국어)~"},
    {R"~(안녕$KOREAN)~", R"~(안녕한국어)~"},
    {R"~(${{aaa})~", std::nullopt},
    {R"~(${aaa}})~", R"~(})~"},
    {R"~(${aaa)~", std::nullopt},
    {R"~(${{aaa:-bbb})~", std::nullopt},
    {R"~(${aaa:-bbb}})~", R"~(bbb})~"},
    {R"~(${aaa:-bbb)~", std::nullopt},
    {R"~(${aaa:-bbb})~", R"~(bbb)~"},
    {R"~(${aaa:-${bbb:-ccc}})~", R"~(ccc)~"},
    {R"~(${aaa:-bbb ${foo})~", std::nullopt},
    {R"~(${aaa:-bbb {foo})~", R"~(bbb {foo)~"},
    {R"~(${:})~", std::nullopt},
    {R"~(${:-bbb})~", std::nullopt},
    {R"~(${:+bbb})~", std::nullopt},
    {R"~($1)~", R"~()~"},
    {R"~(${1})~", R"~()~"},
    {R"~(${1:+bbb})~", R"~()~"},
    {R"~(${1:-bbb})~", R"~(bbb)~"},
    {R"~($2)~", R"~()~"},
    {R"~(${2})~", R"~()~"},
    {R"~(${2:+bbb})~", R"~()~"},
    {R"~(${2:-bbb})~", R"~(bbb)~"},
    {R"~($3)~", R"~()~"},
    {R"~(${3})~", R"~()~"},
    {R"~(${3:+bbb})~", R"~()~"},
    {R"~(${3:-bbb})~", R"~(bbb)~"},
    {R"~($4)~", R"~()~"},
    {R"~(${4})~", R"~()~"},
    {R"~(${4:+bbb})~", R"~()~"},
    {R"~(${4:-bbb})~", R"~(bbb)~"},
    {R"~($5)~", R"~()~"},
    {R"~(${5})~", R"~()~"},
    {R"~(${5:+bbb})~", R"~()~"},
    {R"~(${5:-bbb})~", R"~(bbb)~"},
    {R"~($6)~", R"~()~"},
    {R"~(${6})~", R"~()~"},
    {R"~(${6:+bbb})~", R"~()~"},
    {R"~(${6:-bbb})~", R"~(bbb)~"},
    {R"~($7)~", R"~()~"},
    {R"~(${7})~", R"~()~"},
    {R"~(${7:+bbb})~", R"~()~"},
    {R"~(${7:-bbb})~", R"~(bbb)~"},
    {R"~($8)~", R"~()~"},
    {R"~(${8})~", R"~()~"},
    {R"~(${8:+bbb})~", R"~()~"},
    {R"~(${8:-bbb})~", R"~(bbb)~"},
    {R"~($9)~", R"~()~"},
    {R"~(${9})~", R"~()~"},
    {R"~(${9:+bbb})~", R"~()~"},
    {R"~(${9:-bbb})~", R"~(bbb)~"},
    {R"~($999)~", R"~()~"},
    {R"~(${999})~", R"~()~"},
    {R"~(${999:+bbb})~", R"~()~"},
    {R"~(${999:-bbb})~", R"~(bbb)~"},
    {R"~($999aaa)~", R"~(aaa)~"},
    {R"~(${999}aaa)~", R"~(aaa)~"},
    {R"~(${999:+bbb}aaa)~", R"~(aaa)~"},
    {R"~(${999:-bbb}aaa)~", R"~(bbbaaa)~"},
    {R"~($001)~", R"~()~"},
    {R"~(${001})~", R"~()~"},
    {R"~(${001:+bbb})~", R"~()~"},
    {R"~(${001:-bbb})~", R"~(bbb)~"},
    {R"~($001aaa)~", R"~(aaa)~"},
    {R"~(${001}aaa)~", R"~(aaa)~"},
    {R"~(${001:+bbb}aaa)~", R"~(aaa)~"},
    {R"~(${001:-bbb}aaa)~", R"~(bbbaaa)~"},
    {R"~($@)~", R"~()~"},
    {R"~(${@})~", R"~()~"},
    {R"~(${@:+bbb})~", R"~()~"},
    {R"~(${@:-bbb})~", R"~(bbb)~"},
    {R"~($@@@)~", R"~(@@)~"},
    {R"~($@aaa)~", R"~(aaa)~"},
    {R"~(${@}aaa)~", R"~(aaa)~"},
    {R"~(${@:+bbb}aaa)~", R"~(aaa)~"},
    {R"~(${@:-bbb}aaa)~", R"~(bbbaaa)~"},
    {R"~($*)~", R"~()~"},
    {R"~(${*})~", R"~()~"},
    {R"~(${*:+bbb})~", R"~()~"},
    {R"~(${*:-bbb})~", R"~(bbb)~"},
    {R"~($#)~", R"~()~"},
    {R"~(${#})~", R"~()~"},
    {R"~(${#:+bbb})~", R"~()~"},
    {R"~(${#:-bbb})~", R"~(bbb)~"},
    {R"~($?)~", R"~()~"},
    {R"~(${?})~", R"~()~"},
    {R"~(${?:+bbb})~", R"~()~"},
    {R"~(${?:-bbb})~", R"~(bbb)~"},
    {R"~($-)~", R"~()~"},
    {R"~(${-})~", R"~()~"},
    {R"~(${-:+bbb})~", R"~()~"},
    {R"~(${-:-bbb})~", R"~(bbb)~"},
    {R"~($$)~", R"~()~"},
    {R"~(${$})~", R"~()~"},
    {R"~(${$:+bbb})~", R"~()~"},
    {R"~(${$:-bbb})~", R"~(bbb)~"},
    {R"~($!)~", R"~()~"},
    {R"~(${!})~", R"~()~"},
    {R"~(${!:+bbb})~", R"~()~"},
    {R"~(${!:-bbb})~", R"~(bbb)~"},
    {R"~($0)~", R"~()~"},
    {R"~(${0})~", R"~()~"},
    {R"~(${0:+bbb})~", R"~()~"},
    {R"~(${0:-bbb})~", R"~(bbb)~"},
};

// BuildKit's wordsTest: each case sees the ENV lines above it.
const WordsCase kWordsCases[] = {
    {{}, R"~(hello)~", {R"~(hello)~"}},
    {{}, R"~(hello${hi}bye)~", {R"~(hellobye)~"}},
    {{R"~(hi=hi)~"}, R"~(hello${hi}bye)~", {R"~(hellohibye)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~"}, R"~(hello${space}bye)~", {R"~(helloabc)~", R"~(defbye)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~"}, R"~(hello"${space}"bye)~", {R"~(helloabc  defbye)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~"}, R"~(hello "${space}"bye)~", {R"~(hello)~", R"~(abc  defbye)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~"}, R"~(hello${leading}def)~", {R"~(hello)~", R"~(ab)~", R"~(cdef)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~"}, R"~(hello"${leading}" def)~", {R"~(hello  ab c)~", R"~(def)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~"}, R"~(hello"${leading}")~", {R"~(hello  ab c)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~"}, R"~(hello${leading})~", {R"~(hello)~", R"~(ab)~", R"~(c)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello${trailing})~", {R"~(helloab)~", R"~(c)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello${trailing}d)~", {R"~(helloab)~", R"~(c)~", R"~(d)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello"${trailing}"d)~", {R"~(helloab c   d)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hel"lo${trailing}")~", {R"~(helloab c   )~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello" there  ")~", {R"~(hello there  )~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello there)~", {R"~(hello)~", R"~(there)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello\ there)~", {R"~(hello there)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello" there)~", {R"~(error)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello\" there)~", {R"~(hello")~", R"~(there)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello"\\there")~", {R"~(hello\there)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello"\there")~", {R"~(hello\there)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello'\\there')~", {R"~(hello\\there)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello'\there')~", {R"~(hello\there)~"}},
    {{R"~(hi=hi)~", R"~(space=abc  def)~", R"~(leading=  ab c)~", R"~(trailing=ab c   )~"}, R"~(hello'$there')~", {R"~(hello$there)~"}},
};

std::string error_of(std::string_view word, const Lookup &env, char escape = '\\') {
  auto r = expand_word(word, env, escape);
  if (r)
    FAIL("expanded " << word << " to " << *r);
  return r.error().message;
}

} // namespace

TEST_CASE("expand: BuildKit's envVarTest table", "[dockerfile]") {
  Lookup env = env_of({"PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="});
  for (const EnvVarCase &c : kEnvVarCases) {
    INFO("source: " << c.source);
    auto r = expand_word(c.source, env);
    if (!c.expected) {
      CHECK_FALSE(r.ok());
      continue;
    }
    REQUIRE(r.ok());
    CHECK(*r == *c.expected);
  }
}

TEST_CASE("expand: BuildKit's wordsTest table", "[dockerfile]") {
  for (const WordsCase &c : kWordsCases) {
    INFO("source: " << c.source);
    auto r = expand_words(c.source, env_of(c.env));
    if (c.expected == std::vector<std::string>{"error"}) {
      CHECK_FALSE(r.ok());
      continue;
    }
    REQUIRE(r.ok());
    CHECK(*r == c.expected);
  }
}

// TestProcessWithMatches: results, and the names looked up (its matched
// and unmatched sets together are what referenced_names gives).
TEST_CASE("expand: BuildKit's ProcessWithMatches cases", "[dockerfile]") {
  struct Case {
    const char *input;
    std::vector<std::string> env;
    std::optional<std::string> expected;
    std::vector<std::string> names;
  };
  const std::vector<std::string> fb = {"FOO=xxx", "BAR="};
  const Case cases[] = {
      {"x", {"DUMMY=dummy"}, "x", {}},
      {"x ${UNUSED}", {"DUMMY=dummy"}, "x ", {"UNUSED"}},
      {"x ${FOO}", {"FOO=y"}, "x y", {"FOO"}},
      {"${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", fb, "xxx  ccc", {"BAR", "BAZ", "FOO"}},
      {"${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", fb, "xxx bbb ccc", {"BAR", "BAZ", "FOO"}},
      {"${FOO:-}", fb, "xxx", {"FOO"}},
      {"${FOO:-}", {}, "", {"FOO"}},
      {"${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}", fb, "aaa bbb ", {"BAR", "BAZ", "FOO"}},
      {"${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", fb, "aaa  ", {"BAR", "BAZ", "FOO"}},
      {"${FOO?aaa}", fb, "xxx", {"FOO"}},
      {"${BAR?bbb}", fb, "", {"BAR"}},
      {"${BAZ?ccc}", fb, std::nullopt, {"BAZ"}},
      {"${FOO:?aaa}", fb, "xxx", {"FOO"}},
      {"${BAR:?bbb}", fb, std::nullopt, {"BAR"}},
      {"${BAZ:?ccc}", fb, std::nullopt, {"BAZ"}},
      {"${BAZ:?}", fb, std::nullopt, {"BAZ"}},
      {"${FOO=aaa}", fb, std::nullopt, {}},
      {"${FOO=:aaa}", fb, std::nullopt, {}},
      {"${FOO=}", {}, std::nullopt, {}},
      {R"(${FOO#()[]{\}^$.\*\?|\\})", {R"(FOO=()[]{}^$.*?|\x)"}, "x", {"FOO"}},
      {R"(${FOO%%\**})", {"FOO=xx**"}, "xx", {"FOO"}},
      {"${FOO#*x*y}", {"FOO=xxyy"}, "y", {"FOO"}},
      {"${FOO#*}", {"FOO=xxyy"}, "xxyy", {"FOO"}},
      {"${FOO#$BAR}", {"FOO=xxyy", "BAR=x"}, "xyy", {"BAR", "FOO"}},
      {"${FOO#$BAR}", {"FOO=xxyy", "BAR="}, "xxyy", {"BAR", "FOO"}},
      {"${FOO#}", {"FOO=xxyy"}, "xxyy", {"FOO"}},
      {"${FOO##*x}", {"FOO=xxyy"}, "yy", {"FOO"}},
      {"${FOO##}", {"FOO=xxyy"}, "xxyy", {"FOO"}},
      {R"(${FOO#?\?})", {"FOO=???y"}, "?y", {"FOO"}},
      {"${ABC:-.}${FOO%x}${ABC:-.}", {"FOO=xxyy"}, ".xxyy.", {"ABC", "FOO"}},
      {R"(${FOO%%\**\*})", {"FOO=a***yy*"}, "a", {"FOO"}},
      {"${FOO%}", {"FOO=xxyy"}, "xxyy", {"FOO"}},
      {"${FOO%%$BAR}", {"FOO=xxyy", "BAR="}, "xxyy", {"BAR", "FOO"}},
      {"${FOO:#}", {}, std::nullopt, {}},
      {"${FOO:##}", {}, std::nullopt, {}},
      {"${FOO:%}", {}, std::nullopt, {}},
      {"${FOO:%%}", {}, std::nullopt, {}},
      {"${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}", {"FOO=/foo*/*/*.txt", R"(NEEDLE=\*/)"},
       "/foo.*/*.txt - /foo..*.txt", {"FOO", "NEEDLE"}},
      {"${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}", {"FOO=/tmp/tmp/bar.txt", "NEEDLE=/tmp"},
       "/tmp/bar.txt - /bar.txt", {"FOO", "NEEDLE"}},
      {"${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
       {"FOO=/a/foo/b/c.txt", "NEEDLE=/?/", "REPLACEMENT=/"}, "/foo/b/c.txt - /foo/c.txt",
       {"FOO", "NEEDLE", "REPLACEMENT"}},
      {"${FOO/$NEEDLE/$REPLACEMENT}",
       {"FOO=http://google.de", "NEEDLE=http://", "REPLACEMENT=https://"}, "https://google.de",
       {"FOO", "NEEDLE", "REPLACEMENT"}},
      {R"(${FOO//\//\/})", {"FOO=/tmp/foo.txt"}, R"(\/tmp\/foo.txt)", {"FOO"}},
      {"${FOO/$BAR/ww}", {"FOO=xxyy", "BAR="}, "wwxxyy", {"BAR", "FOO"}},
      {"${FOO//ww}", {"FOO=xxyy"}, std::nullopt, {}},
      {"${FOO//}", {"FOO=xxyy"}, std::nullopt, {}},
      {"${FOO///}", {"FOO=xxyy"}, "xxyy", {"FOO"}},
      {"${FOO///}", {}, "", {"FOO"}},
  };
  for (const Case &c : cases) {
    INFO("input: " << c.input);
    auto r = expand_word(c.input, env_of(c.env));
    if (!c.expected) {
      CHECK_FALSE(r.ok());
      continue;
    }
    REQUIRE(r.ok());
    CHECK(*r == *c.expected);
    CHECK(referenced_names(c.input) == c.names);
  }
}

TEST_CASE("expand: ${VAR?msg} and ${VAR:?msg} fail with BuildKit's message", "[dockerfile]") {
  const char *no_empty = "${VAR:?message here$ARG}";
  const char *no_unset = "${VAR?message here$ARG}";
  Lookup set = env_of({"VAR=plain", "ARG=x"});
  Lookup empty = env_of({"VAR=", "ARG=x"});
  Lookup unset = env_of({"ARG=x"});

  CHECK(*expand_word(no_empty, set) == "plain");
  CHECK(error_of(no_empty, empty) ==
        R"(failed to process "${VAR:?message here$ARG}": VAR: message herex)");
  CHECK(error_of(no_empty, unset) ==
        R"(failed to process "${VAR:?message here$ARG}": VAR: message herex)");
  CHECK(*expand_word(no_unset, set) == "plain");
  CHECK(*expand_word(no_unset, empty) == "");
  CHECK(error_of(no_unset, unset) ==
        R"(failed to process "${VAR?message here$ARG}": VAR: message herex)");

  CHECK(error_of("${X?}", unset) == R"(failed to process "${X?}": X: is not allowed to be unset)");
  CHECK(error_of("${VAR:?}", empty) ==
        R"(failed to process "${VAR:?}": VAR: is not allowed to be empty)");
}

TEST_CASE("expand: the platform file name of TestProcessWithMatchesPlatform", "[dockerfile]") {
  const char *release =
      "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
  CHECK(*expand_word(release, env_of({"VERSION=v1.2.3", "TARGETOS=linux", "TARGETARCH=arm",
                                      "TARGETVARIANT=v7"})) ==
        "something-v1.2.3.linux-arm-v7.tar.gz");
  CHECK(*expand_word(release, env_of({"VERSION=v1.2.3", "TARGETOS=linux", "TARGETARCH=arm64",
                                      "TARGETVARIANT="})) == "something-v1.2.3.linux-arm64.tar.gz");
  CHECK(*expand_word(release, env_of({"VERSION=v1.2.3", "TARGETOS=linux",
                                      "TARGETARCH=arm64"})) == "something-v1.2.3.linux-arm64.tar.gz");
  CHECK(referenced_names(release) ==
        std::vector<std::string>{"TARGETARCH", "TARGETOS", "TARGETVARIANT", "VERSION"});
}

TEST_CASE("expand: BuildKit's error words", "[dockerfile]") {
  Lookup none = env_of({});
  CHECK(error_of("he${}", none) == R"(failed to process "he${}": syntax error: bad substitution)");
  CHECK(error_of("${aaa:-bbb", none) ==
        R"(failed to process "${aaa:-bbb": syntax error: missing '}')");
  CHECK(error_of("he${PWD:=000}xx", none) ==
        R"(failed to process "he${PWD:=000}xx": unsupported modifier (:=) in substitution)");
  CHECK(error_of("${FOO=x}", none) ==
        R"(failed to process "${FOO=x}": unsupported modifier (=) in substitution)");
  CHECK(error_of("${FOO:#x}", none) ==
        R"(failed to process "${FOO:#x}": unsupported modifier (:#) in substitution)");
  // The name runs to the end, and Go prints the end of input as U+FFFD.
  CHECK(error_of("${aaa", none) ==
        "failed to process \"${aaa\": unsupported modifier (\uFFFD) in substitution");
  CHECK(error_of("he'llo", none) == R"(failed to process "he'llo": unexpected end of statement )"
                                    "while looking for matching single-quote");
  CHECK(error_of("\"hello", none) == R"(failed to process "\"hello": unexpected end of )"
                                     "statement while looking for matching double-quote");
  CHECK(error_of("${FOO//ww}", none) ==
        R"(failed to process "${FOO//ww}": syntax error: missing '/' in ${})");
  // A backslash in a pattern may escape only * ? and itself.
  CHECK(error_of(R"(${FOO#\x})", none) ==
        R"(failed to process "${FOO#\\x}": invalid pattern (\x) in substitution: invalid escape '\x')");
  CHECK(error_of("a\tb${", none) == R"(failed to process "a\tb${": syntax error: missing '}')");
}

TEST_CASE("expand: the escape character can be a backtick", "[dockerfile]") {
  Lookup env = env_of({"X=1"});
  CHECK(*expand_word(R"(C:\dir\$X)", env, '`') == R"(C:\dir\1)");
  CHECK(*expand_word("a`$X", env, '`') == "a$X");
  CHECK(*expand_word("\"a`\"b\"", env, '`') == "a\"b");
  CHECK(*expand_words("a` b c", env, '`') == std::vector<std::string>{"a b", "c"});
}

TEST_CASE("expand: pattern substitutions follow Go's regexp", "[dockerfile]") {
  Lookup env = env_of({"X=banana", "R=[$0]", "E=", "NL=a\nb c", "P=a.b.c"});
  // Replacing all goes through ReplaceAllString: $0 is the match.
  CHECK(*expand_word("${X//a/$R}", env) == "b[a]n[a]n[a]");
  CHECK(*expand_word("${X/a/$R}", env) == "b[$0]nana");
  // An empty pattern matches between every rune.
  CHECK(*expand_word("${X//$E/-}", env) == "-b-a-n-a-n-a-");
  // `*` is `.*`, which does not cross a newline.
  CHECK(*expand_word("${NL#*b}", env) == "a\nb c");
  CHECK(*expand_word("${P%.*}", env) == "a.b");
  CHECK(*expand_word("${P%%.*}", env) == "a");
  CHECK(*expand_word("${P#*.}", env) == "b.c");
  CHECK(*expand_word("${P##*.}", env) == "c");
  CHECK(*expand_word("${X/n?n/}", env) == "baa");
}

// BuildKit's ProcessWords shares one buffer between a word and the word
// of a ${VAR:-word} inside it, so the text before such a substitution is
// lost from the split (not from ProcessWord). EXPOSE goes through it.
TEST_CASE("expand: words drop what precedes a ${VAR:-word} as BuildKit does", "[dockerfile]") {
  Lookup env = env_of({});
  CHECK(*expand_words("abc${X:-def}ghi", env) == std::vector<std::string>{"defghi"});
  CHECK(*expand_word("abc${X:-def}ghi", env) == "abcdefghi");
  CHECK(*expand_words("a b${X:-c}", env) == std::vector<std::string>{"a", "c"});
}

TEST_CASE("expand: words keep a heredoc marker together", "[dockerfile]") {
  CHECK(*expand_words("cat << EOF > f", env_of({})) ==
        std::vector<std::string>{"cat", "<< EOF", ">", "f"});
  CHECK(*expand_words("a <b", env_of({})) == std::vector<std::string>{"a", "<b"});
}

TEST_CASE("expand: here-document contents keep their quotes", "[dockerfile]") {
  Lookup env = env_of({"X=1"});
  CHECK(*expand_heredoc("echo \"$X\" '$X' \\$X ${Y:-y}\n", env) == "echo \"1\" '1' $X y\n");
  CHECK_FALSE(expand_heredoc("${X\n", env).ok());
}

TEST_CASE("expand: referenced names", "[dockerfile]") {
  using V = std::vector<std::string>;
  CHECK(referenced_names("plain") == V{});
  CHECK(referenced_names("$A ${B:-$C} ${D#$E} ${F//$G/$H}") ==
        V{"A", "B", "C", "D", "E", "F", "G", "H"});
  // Names after a failing ${A?} and ${A:?} still count.
  CHECK(referenced_names("${A?}${B:?}$C") == V{"A", "B", "C"});
  CHECK(referenced_names("'$A' \\$B \"$C\"") == V{"C"});
  CHECK(referenced_names("`$A $B", '`') == V{"B"});
  CHECK(referenced_names("$A$A${A}") == V{"A"});
  // BuildKit fails "${A" before it looks A up.
  CHECK(referenced_names("${A") == V{});
}
