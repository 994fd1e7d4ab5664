// Unit tests for gotmpl: Go text/template semantics over JSON data.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "skiff/gotmpl/template.hpp"

using nlohmann::json;
using skiff::gotmpl::Template;

namespace {

std::string render(std::string_view text, const json &data = json::object()) {
  auto t = Template::parse(text);
  if (!t)
    FAIL("parse: " << t.error().message);
  auto r = t->render(data);
  if (!r)
    FAIL("render: " << r.error().message);
  return *r;
}

std::string parse_error(std::string_view text) {
  auto t = Template::parse(text);
  if (t)
    FAIL("parsed: " << text);
  CHECK(t.error().code == skiff::Errc::invalid);
  return t.error().message;
}

std::string exec_error(std::string_view text, const json &data = json::object()) {
  auto t = Template::parse(text);
  if (!t)
    FAIL("parse: " << t.error().message);
  auto r = t->render(data);
  if (r)
    FAIL("rendered: " << *r);
  return r.error().message;
}

const json kData = json::parse(R"({
  "ID": "abc123",
  "Names": ["web", "db"],
  "State": {"Status": "running", "Running": true, "Pid": 42, "Health": null},
  "Labels": {"com.docker.compose.project": "demo", "b": "2", "a": "1"},
  "Ports": "0.0.0.0:2->8/udp",
  "Size": 1.5,
  "Count": 3,
  "Neg": -7,
  "Empty": [],
  "EmptyObj": {},
  "Zero": 0,
  "Text": ""
})");

} // namespace

TEST_CASE("text and field chains", "[gotmpl]") {
  CHECK(render("plain text") == "plain text");
  CHECK(render("") == "");
  CHECK(render("{{.ID}}\t{{.State.Status}}", kData) == "abc123\trunning");
  CHECK(render("{{$.State.Pid}} {{$.ID}}", kData) == "42 abc123");
  CHECK(render("{{with .State}}{{.Status}} {{$.ID}}{{end}}", kData) == "running abc123");
}

TEST_CASE("missing keys print <no value>, as with Go maps", "[gotmpl]") {
  CHECK(render("{{.Nope}}", kData) == "<no value>");
  CHECK(render("{{.Nope.Deeper}}", kData) == "<no value>");
  CHECK(render("{{.State.Nope}}", kData) == "<no value>");
}

TEST_CASE("values print like Go's %v", "[gotmpl]") {
  json d = json::parse(R"({"s":"str","i":42,"n":-7,"f":1.5,"big":1000000.0,"whole":3.0,
    "tiny":0.00001,"small":0.0001,"t":true,"nul":null,"arr":[1,"a",null,[2,3]],
    "obj":{"z":1,"a":{"k":"v"},"m":[]},"ea":[],"eo":{}})");
  CHECK(render("{{.s}}|{{.i}}|{{.n}}|{{.f}}|{{.big}}|{{.whole}}|{{.tiny}}|{{.small}}", d) ==
        "str|42|-7|1.5|1e+06|3|1e-05|0.0001");
  CHECK(render("{{.t}}|{{.nul}}|{{.arr}}|{{.ea}}|{{.eo}}", d) ==
        "true|<nil>|[1 a <nil> [2 3]]|[]|map[]");
  CHECK(render("{{.obj}}", d) == "map[a:map[k:v] m:[] z:1]");
  CHECK(render("{{123456789.0}} {{1e21}} {{0.1}}") == "1.23456789e+08 1e+21 0.1");
}

TEST_CASE("field access on a non-object is an error", "[gotmpl]") {
  CHECK(exec_error("{{.ID.X}}", kData) ==
        R"(template: :1:5: executing "" at <.ID.X>: can't evaluate field X in type string)");
  CHECK(
      exec_error("{{.Names.First}}", kData) ==
      R"(template: :1:8: executing "" at <.Names.First>: can't evaluate field First in type []interface {})");
  CHECK(
      exec_error("{{.State.Health.Status}}", kData) ==
      R"(template: :1:8: executing "" at <.State.Health.Status>: nil pointer evaluating interface {}.Status)");
  CHECK(exec_error("x\n  {{.Count.A}}", kData) ==
        R"(template: :2:10: executing "" at <.Count.A>: can't evaluate field A in type int)");
  CHECK(exec_error("{{.ID 1}}", kData) ==
        R"(template: :1:2: executing "" at <.ID>: ID is not a method but has arguments)");
}

TEST_CASE("trim markers and comments", "[gotmpl]") {
  CHECK(render("a  {{- .ID -}}  b", kData) == "aabc123b");
  CHECK(render("a\n\t {{- .ID}} \n b", kData) == "aabc123 \n b");
  CHECK(render("{{.ID -}}\n\n  x", kData) == "abc123x");
  CHECK(render("{{-3}} {{- 3}}") == "-33");
  CHECK(render("a{{/* a comment */}}b") == "ab");
  CHECK(render("a {{- /* trimmed */ -}} b") == "ab");
  CHECK(render("{{range .Names -}}\n  {{.}}\n{{- end}}", kData) == "webdb");
}

TEST_CASE("literals", "[gotmpl]") {
  CHECK(render(R"({{"a\tb\n\"q\" \u00e9\x41\101"}})") == "a\tb\n\"q\" \xc3\xa9"
                                                         "AA");
  CHECK(render("{{`raw \\n {{`}}") == "raw \\n {{");
  CHECK(render("{{42}} {{-5}} {{0x1F}} {{017}} {{0o17}} {{0b101}} {{1_000}}") ==
        "42 -5 31 15 15 5 1000");
  CHECK(render("{{2.50}} {{1e3}} {{.5}} {{'a'}} {{'\\n'}}") == "2.5 1000 0.5 97 10");
  CHECK(render("{{true}} {{false}}") == "true false");
}

TEST_CASE("if, else if, else and Go truthiness", "[gotmpl]") {
  const char *tmpl = "{{if .v}}T{{else}}F{{end}}";
  for (const char *falsy : {R"(false)", R"(0)", R"(0.0)", R"("")", R"(null)", R"([])", R"({})"})
    CHECK(render(tmpl, json::parse(std::string(R"({"v":)") + falsy + "}")) == "F");
  for (const char *truthy : {R"(true)", R"(-1)", R"(0.5)", R"("0")", R"([0])", R"({"a":0})"})
    CHECK(render(tmpl, json::parse(std::string(R"({"v":)") + truthy + "}")) == "T");
  CHECK(render(tmpl) == "F"); // no value
  const char *chain = "{{if eq .Count 1}}one{{else if eq .Count 3}}three{{else}}many{{end}}";
  CHECK(render(chain, kData) == "three");
  CHECK(render(chain, {{"Count", 9}}) == "many");
  CHECK(render("{{if .State.Running}}up{{end}}", kData) == "up");
}

TEST_CASE("with sets dot; else runs on empty", "[gotmpl]") {
  CHECK(render("{{with .State}}{{.Pid}}{{end}}", kData) == "42");
  CHECK(render("{{with .Empty}}x{{else}}none{{end}}", kData) == "none");
  CHECK(render("{{with .Zero}}x{{else with .ID}}{{.}}{{end}}", kData) == "abc123");
  CHECK(render("{{with $x := .ID}}{{$x}}{{end}}", kData) == "abc123");
}

TEST_CASE("range over arrays, objects and ints", "[gotmpl]") {
  CHECK(render("{{range .Names}}[{{.}}]{{end}}", kData) == "[web][db]");
  CHECK(render("{{range $i, $n := .Names}}{{$i}}={{$n}} {{end}}", kData) == "0=web 1=db ");
  CHECK(render("{{range $n := .Names}}{{$n}}{{end}}", kData) == "webdb");
  // Objects iterate in sorted key order, as Go sorts map keys.
  CHECK(render("{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", kData) ==
        "a=1;b=2;com.docker.compose.project=demo;");
  CHECK(render("{{range .Labels}}{{.}},{{end}}", kData) == "1,2,demo,");
  CHECK(render("{{range .Empty}}x{{else}}empty{{end}}", kData) == "empty");
  CHECK(render("{{range .EmptyObj}}x{{else}}empty{{end}}", kData) == "empty");
  CHECK(render("{{range .Nope}}x{{else}}missing{{end}}", kData) == "missing");
  CHECK(render("{{range .State.Health}}x{{else}}null{{end}}", kData) == "null");
  CHECK(render("{{range 3}}{{.}}{{end}}") == "012");
  CHECK(render("{{range .Names}}{{$.ID}}:{{.}} {{end}}", kData) == "abc123:web abc123:db ");
  CHECK(exec_error("{{range .ID}}{{end}}", kData) ==
        R"(template: :1:8: executing "" at <.ID>: range can't iterate over abc123)");
}

TEST_CASE("break and continue", "[gotmpl]") {
  json d = json::parse(R"({"L": [1, 2, 3, 4]})");
  CHECK(render("{{range .L}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}", d) == "12");
  CHECK(render("{{range .L}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}", d) == "134");
  CHECK(render("{{range .}}{{range .}}{{break}}{{end}}{{.}}{{end}}", json::parse("[[1], [2]]")) ==
        "[1][2]");
  CHECK(render("{{range $x := .L}}{{range $.L}}{{break}}{{end}}{{$x}}{{end}}", d) == "1234");
}

TEST_CASE("variables: declare, assign, scope", "[gotmpl]") {
  CHECK(render("{{$x := .ID}}{{$x}}", kData) == "abc123");
  CHECK(render("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}") == "2");
  CHECK(render("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}") == "21");
  CHECK(render("{{$s := .State}}{{$s.Status}}", kData) == "running");
  CHECK(render("{{$n := 0}}{{range .Names}}{{$n = .}}{{end}}{{$n}}", kData) == "db");
  CHECK(parse_error("{{if true}}{{$x := 1}}{{end}}{{$x}}") ==
        R"(template: :1: undefined variable "$x")");
  CHECK(parse_error("{{range $a, $b, $c := .}}{{end}}") ==
        "template: :1: too many declarations in range");
}

TEST_CASE("pipelines and parenthesized pipelines", "[gotmpl]") {
  CHECK(render(R"({{.ID | printf "%s!"}})", kData) == "abc123!");
  CHECK(render(R"({{"x" | printf "%s-%s" "y"}})") == "y-x");
  CHECK(render(R"({{.Names | len}})", kData) == "2");
  CHECK(render(R"({{(index .Labels "a") | printf "<%s>"}})", kData) == "<1>");
  CHECK(render("{{(.State).Status}}", kData) == "running");
  CHECK(render(R"({{(index . "State").Pid}})", kData) == "42");
  CHECK(render(R"({{join .Names ", " | upper}})", kData) == "WEB, DB");
}

TEST_CASE("comparison functions", "[gotmpl]") {
  CHECK(render("{{eq 1 1}} {{eq 1 2}} {{eq 1 2 3 1}} {{eq .ID \"x\" \"abc123\"}}", kData) ==
        "true false true true");
  CHECK(render("{{ne 1 2}} {{ne \"a\" \"a\"}}") == "true false");
  CHECK(render("{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 2 3}}") == "true true false false");
  CHECK(render("{{lt \"a\" \"b\"}} {{gt 2.5 1.5}} {{lt -1 .Count}}", kData) == "true true true");
  // JSON numbers that are whole compare with integer literals.
  CHECK(render("{{eq .Count 3}} {{eq .Neg -7}} {{ge .State.Pid 42}}", kData) == "true true true");
  CHECK(render("{{eq .Nope nil}} {{eq .ID nil}} {{eq .State.Health nil}}", kData) ==
        "true false true");
  CHECK(
      exec_error("{{eq .ID 1}}", kData) ==
      R"(template: :1:2: executing "" at <eq .ID 1>: error calling eq: incompatible types for comparison)");
  CHECK(
      exec_error("{{lt .Names 1}}", kData) ==
      R"(template: :1:2: executing "" at <lt .Names 1>: error calling lt: invalid type for comparison)");
  CHECK(
      exec_error("{{eq 1}}") ==
      R"(template: :1:2: executing "" at <eq 1>: error calling eq: missing argument for comparison)");
}

TEST_CASE("and, or, not", "[gotmpl]") {
  CHECK(render("{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"z\"}} {{or 0 \"\"}}") == "0 2 z ");
  CHECK(render("{{not 0}} {{not .ID}}", kData) == "true false");
  // They stop at the first decisive argument without evaluating the rest.
  CHECK(render("{{or 1 (index .Names 9)}} {{and 0 (index .Names 9)}}", kData) == "1 0");
  CHECK(render("{{and .Nope 1}}", kData) == "<no value>");
  CHECK(render("{{if and .State.Running (eq .Count 3)}}ok{{end}}", kData) == "ok");
}

TEST_CASE("len, index, slice", "[gotmpl]") {
  CHECK(render("{{len .Names}} {{len .Labels}} {{len .ID}} {{len \"h\xc3\xa9\"}}", kData) ==
        "2 3 6 3");
  CHECK(render(R"({{index .Names 1}} {{index .Labels "com.docker.compose.project"}})", kData) ==
        "db demo");
  CHECK(render(R"({{index . "State" "Pid"}} {{index .L 1 0}} {{index "ab" 1}})",
               json::parse(R"({"State": {"Pid": 7}, "L": [1, [2, 3]]})")) == "7 2 98");
  CHECK(render(R"({{index .Labels "nope"}})", kData) == "<no value>");
  CHECK(render("{{slice .Names 1}} {{slice .ID 1 3}} {{slice .Names 0 1}} {{slice .ID}}", kData) ==
        "[db] bc [web] abc123");
  CHECK(
      exec_error("{{index .Names 2}}", kData) ==
      R"(template: :1:2: executing "" at <index .Names 2>: error calling index: index out of range: 2)");
  CHECK(
      exec_error("{{index .Nope 0}}", kData) ==
      R"(template: :1:2: executing "" at <index .Nope 0>: error calling index: index of untyped nil)");
  CHECK(
      exec_error("{{index .Names \"a\"}}", kData) ==
      R"(template: :1:2: executing "" at <index .Names "a">: error calling index: cannot index slice/array with type string)");
  CHECK(
      exec_error("{{index .Count 0}}", kData) ==
      R"(template: :1:2: executing "" at <index .Count 0>: error calling index: can't index item of type int)");
  CHECK(
      exec_error("{{slice .ID 3 1}}", kData) ==
      R"(template: :1:2: executing "" at <slice .ID 3 1>: error calling slice: invalid slice index: 3 > 1)");
  CHECK(exec_error("{{len .Count}}", kData) ==
        R"(template: :1:2: executing "" at <len .Count>: error calling len: len of type int)");
  CHECK(exec_error("{{len .Nope}}", kData) ==
        R"(template: :1:2: executing "" at <len .Nope>: error calling len: len of untyped nil)");
}

TEST_CASE("print and println", "[gotmpl]") {
  // Print puts spaces only between operands that are both non-strings.
  CHECK(render(R"({{print 1 2 "a" "b" 3 .Nope}})") == "1 2ab3 <nil>");
  CHECK(render(R"({{println "a" 1 .Names}})", kData) == "a 1 [web db]\n");
  CHECK(render(R"({{print}})") == "");
}

TEST_CASE("printf verbs, widths and flags", "[gotmpl]") {
  CHECK(render(R"({{printf "%s|%v|%d|%q" .ID .Names .Count .ID}})", kData) ==
        R"(abc123|[web db]|3|"abc123")");
  CHECK(render(R"({{printf "%f|%.2f|%e|%g|%v" 3.14159 2.5 1234.5 0.000012 .Size}})", kData) ==
        "3.141590|2.50|1.234500e+03|1.2e-05|1.5");
  CHECK(render(R"({{printf "%x|%X|%o|%b|%c|%U|%x|%X" 255 255 8 5 65 65 "hi" "hi"}})") ==
        "ff|FF|10|101|A|U+0041|6869|6869");
  CHECK(
      render(R"({{printf "[%-10s][%10s][%5d][%-5d][%05d][%+d][% d]" "ab" "cd" 42 42 -42 5 5}})") ==
      "[ab        ][        cd][   42][42   ][-0042][+5][ 5]");
  CHECK(
      render(
          R"({{printf "[%8.3f][%-8.2f][%08.3f][%.1s][%#x][%#o][%t]" 3.14159 2.5 -3.14159 "xyz" 255 8 true}})") ==
      "[   3.142][2.50    ][-003.142][x][0xff][010][true]");
  CHECK(render(R"({{printf "%q|%q|%v" "a\"b\n" 97 .State.Health}})", kData) ==
        R"("a\"b\n"|'a'|<nil>)");
  CHECK(render(R"({{printf "%d%%" 50}})") == "50%");
  CHECK(render(R"({{printf "%T %T %T" 1 "s" .Names}})", kData) == "int string []interface {}");
  CHECK(render(R"({{printf "%3d|%s" .Names .Names}})", kData) ==
        "[%!d(string=web) %!d(string= db)]|[web db]");
  // Go's error spellings for mismatched verbs and argument counts.
  CHECK(render(R"({{printf "%d|%s|%z" "x" true 1}})") == "%!d(string=x)|%!s(bool=true)|%!z(int=1)");
  CHECK(render(R"({{printf "%d %d" 1}})") == "1 %!d(MISSING)");
  CHECK(render(R"({{printf "%d" 1 "x" 2}})") == "1%!(EXTRA string=x, int=2)");
  CHECK(render(R"({{printf "%s|%d" .Nope nil}})") == "%!s(<nil>)|%!d(<nil>)");
  CHECK(render(R"({{printf "%"}})") == "%!(NOVERB)");
}

TEST_CASE("json encodes like docker's json function", "[gotmpl]") {
  CHECK(render("{{json .State}}", kData) ==
        R"({"Health":null,"Pid":42,"Running":true,"Status":"running"})");
  CHECK(render("{{json .Names}} {{json .Count}} {{json .Size}} {{json .Nope}} {{json .Empty}}",
               kData) == R"(["web","db"] 3 1.5 null [])");
  // docker/cli turns HTML escaping off (moby GitHub #32120): <, > and & stay.
  CHECK(render("{{json .Ports}}", kData) == R"("0.0.0.0:2->8/udp")");
  CHECK(render("{{json .}}", {{"s", "<a & b>"}}) == R"({"s":"<a & b>"})");
  CHECK(render("{{json .}}", "q\"\\\n\t\r\b\f\x01\x7f\xe2\x80\xa8\xff") ==
        R"("q\"\\\n\t\r\b\f\u0001)"
        "\x7f"
        R"(\u2028\ufffd")");
  CHECK(render("{{json .}}",
               json::parse("[1000000.0, 1e21, 1e-7, 0.1, -0.5, 18446744073709551615]")) ==
        "[1000000,1e+21,1e-7,0.1,-0.5,18446744073709551615]");
}

TEST_CASE("docker string functions", "[gotmpl]") {
  CHECK(render(R"({{join .Names ","}})", kData) == "web,db");
  CHECK(render(R"({{join (split "text:with:colon" ":") "/"}})") == "text/with/colon");
  CHECK(render(R"({{split "a,b" ","}} {{len (split "" ",")}} {{split "ab" ""}})") ==
        "[a b] 1 [a b]");
  CHECK(render(R"({{lower "MiXeD"}} {{upper "MiXeD"}} {{title "hello wide-world_x"}})") ==
        "mixed MIXED Hello Wide-World_x");
  const std::string id = "tupx5xzf6hvsrhnruz5cr8gwp";
  CHECK(render("{{truncate . 5}}", id) == "tupx5");
  CHECK(render("{{truncate . 25}}", id) == id);
  CHECK(render("{{truncate . 30}}", id) == id);
  CHECK(render("[{{pad . 3 3}}]", id) == "[   " + id + "   ]");
  CHECK(render("[{{pad . 3 3}}]", "") == "[]");
}

TEST_CASE("function argument checking", "[gotmpl]") {
  CHECK(exec_error("{{len 1 2}}") ==
        R"(template: :1:2: executing "" at <len>: wrong number of args for len: want 1 got 2)");
  CHECK(
      exec_error("{{index}}") ==
      R"(template: :1:2: executing "" at <index>: wrong number of args for index: want at least 1 got 0)");
  CHECK(
      exec_error("{{upper .Count}}", kData) ==
      R"(template: :1:8: executing "" at <.Count>: wrong type for value; expected string; got int)");
  CHECK(exec_error("{{upper 5}}") ==
        R"(template: :1:8: executing "" at <5>: expected string; found 5)");
  CHECK(exec_error("{{upper .Nope}}") ==
        R"(template: :1:8: executing "" at <.Nope>: invalid value; expected string)");
  CHECK(exec_error(R"({{truncate .ID "x"}})", kData) ==
        R"(template: :1:15: executing "" at <"x">: expected integer; found "x")");
  CHECK(
      exec_error("{{join .State \",\"}}", kData) ==
      R"(template: :1:7: executing "" at <.State>: wrong type for value; expected []string; got map[string]interface {})");
  CHECK(exec_error("{{nil}}") == R"(template: :1:2: executing "" at <nil>: nil is not a command)");
  CHECK(exec_error("{{1 2}}") ==
        R"(template: :1:2: executing "" at <1>: can't give argument to non-function 1)");
  CHECK(exec_error(R"({{"x" | $}})") ==
        R"(template: :1:8: executing "" at <$>: can't give argument to non-function $)");
}

TEST_CASE("parse errors read like Go's", "[gotmpl]") {
  CHECK(parse_error("{{.ID") == "template: :1: unclosed action");
  CHECK(parse_error("a\n{{.ID\n") == "template: :3: unclosed action started at :2");
  CHECK(parse_error("{{foo .}}") == R"(template: :1: function "foo" not defined)");
  CHECK(parse_error("{{if .A}}x") == "template: :1: unexpected EOF");
  CHECK(parse_error("{{end}}") == "template: :1: unexpected {{end}}");
  CHECK(parse_error("{{else}}") == "template: :1: unexpected {{else}}");
  CHECK(parse_error("{{if 1}}\n{{else}}\n{{else}}{{end}}") ==
        "template: :3: expected end; found {{else}}");
  CHECK(parse_error("{{$x}}") == R"(template: :1: undefined variable "$x")");
  CHECK(parse_error("{{break}}") == "template: :1: {{break}} outside {{range}}");
  CHECK(parse_error("{{range .}}{{else}}{{continue}}{{end}}") ==
        "template: :1: {{continue}} outside {{range}}");
  CHECK(parse_error("{{}}") == "template: :1: missing value for command");
  CHECK(parse_error("{{.A | 1}}") == "template: :1: non executable command in pipeline stage 2");
  CHECK(parse_error("{{(1}}") == "template: :1: unclosed left paren");
  CHECK(parse_error("{{1)}}") == "template: :1: unexpected right paren");
  CHECK(parse_error("{{.A ,}}") == R"(template: :1: unexpected "," in operand)");
  CHECK(parse_error(R"({{"abc}})") == "template: :1: unterminated quoted string");
  CHECK(parse_error(R"({{"\q"}})") == "template: :1: invalid syntax");
  CHECK(parse_error("{{/* x }}") == "template: :1: unclosed comment");
  CHECK(parse_error("{{/* x */ }}") == "template: :1: comment ends before closing delimiter");
  CHECK(parse_error("{{3.x}}") == R"(template: :1: bad number syntax: "3.x")");
  CHECK(parse_error("{{0x}}") == R"(template: :1: illegal number syntax: "0x")");
  CHECK(parse_error("{{99999999999999999999}}") ==
        R"(template: :1: integer overflow: "99999999999999999999")");
  CHECK(parse_error(R"({{"x".A}})") == R"(template: :1: unexpected . after term "\"x\"")");
  CHECK(parse_error(R"({{template "x"}})") == "template: :1: {{template}} is not supported");
}

TEST_CASE("templates are values: copies share the tree", "[gotmpl]") {
  auto t = Template::parse("{{.A}}");
  REQUIRE(t);
  Template copy = *t;
  CHECK(*copy.render(json{{"A", 1}}) == "1");
  CHECK(*t->render(json{{"A", "two"}}) == "two");
}

namespace {

using skiff::gotmpl::RenderOptions;
using skiff::gotmpl::Types;

// Like docker's typed data: a row context with a Label method, and an
// inspect-like document with maps among its structs.
const Types kRowTypes = {"*formatter.ContainerContext", {}, {}, {"Label"}, true};
const json kRow = {{"ID", "abc"}, {"Names", "web"}, {"Ports", "0.0.0.0:80->80/tcp"},
                   {"Label", {{"a", "1"}}}};
const Types kInspectTypes = {"", {{"Config.Labels", "\"\""}, {"NetworkSettings.Networks", "null"}, {"Mounts.[].Options", ""}},
                             {{"State.Health", "null"}, {"SizeRw", "null"}}, {}, false};
const json kInspect = json::parse(R"({
  "Id": "abc",
  "State": {"Status": "running"},
  "Config": {"Labels": {"a": "1"}, "Env": ["A=1"]},
  "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "10.0.0.2"}}},
  "Mounts": [{"Type": "volume", "Options": {"o": "x"}}]
})");

skiff::Result<std::string> typed(std::string_view text, const json &data, const Types &types,
                          bool missing_key_error = false) {
  auto t = Template::parse(text);
  if (!t)
    FAIL("parse: " << t.error().message);
  return t->render(data, RenderOptions{&types, missing_key_error});
}

std::string typed_ok(std::string_view text, const json &data, const Types &types) {
  auto r = typed(text, data, types);
  if (!r)
    FAIL("render: " << r.error().message);
  return *r;
}

std::string typed_error(std::string_view text, const json &data, const Types &types,
                        bool missing_key_error = false) {
  auto r = typed(text, data, types, missing_key_error);
  if (r)
    FAIL("rendered: " << *r);
  return r.error().message;
}

} // namespace

TEST_CASE("a struct's missing field is an error naming its type", "[gotmpl]") {
  CHECK(typed_error("{{.Nope}}", kRow, kRowTypes) ==
        R"(template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type *formatter.ContainerContext)");
  CHECK(typed_error("{{.ID}} {{.Nope}}", kRow, kRowTypes) ==
        R"(template: :1:10: executing "" at <.Nope>: can't evaluate field Nope in type *formatter.ContainerContext)");
  CHECK(typed_error("{{.Names.Nope}}", kRow, kRowTypes) ==
        R"(template: :1:8: executing "" at <.Names.Nope>: can't evaluate field Nope in type string)");
  // Not evaluated, no error, as in Go.
  CHECK(typed_ok("{{if false}}{{.Nope}}{{end}}ok", kRow, kRowTypes) == "ok");
  CHECK(typed_ok("{{.ID}}", kRow, kRowTypes) == "abc");
}

TEST_CASE("a one-string method looks its key up, and wants exactly one", "[gotmpl]") {
  CHECK(typed_ok(R"({{.Label "a"}}|{{.Label "missing"}}|{{"a" | .Label}})", kRow, kRowTypes) == "1||1");
  CHECK(typed_error("{{.Label}}", kRow, kRowTypes) ==
        R"(template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0)");
  CHECK(typed_error(R"({{.ID "a"}})", kRow, kRowTypes) ==
        R"(template: :1:2: executing "" at <.ID>: ID has arguments but cannot be invoked as function)");
}

TEST_CASE("json of a formatter context leaves methods out and escapes HTML", "[gotmpl]") {
  CHECK(typed_ok("{{json .}}", kRow, kRowTypes) ==
        R"({"ID":"abc","Names":"web","Ports":"0.0.0.0:80-\u003e80/tcp"})");
  // A field is a plain string: docker's json function does not escape it.
  CHECK(typed_ok("{{json .Ports}}", kRow, kRowTypes) == R"("0.0.0.0:80->80/tcp")");
}

TEST_CASE("typed data: maps give no value, structs errors, omitted fields their Go value", "[gotmpl]") {
  CHECK(typed_ok("{{.Config.Labels.nope}}|{{.Config.Labels.a}}", kInspect, kInspectTypes) == "<no value>|1");
  CHECK(typed_ok("{{.NetworkSettings.Networks.nope}}", kInspect, kInspectTypes) == "<no value>");
  // index of a missing key gives the zero value of the map's elements.
  CHECK(typed_ok(R"({{index .Config.Labels "nope"}}|{{index .NetworkSettings.Networks "x"}}|{{index (index .Mounts 0).Options "x"}})",
                 kInspect, kInspectTypes) == "|<nil>|<no value>");
  CHECK(typed_ok(R"({{index .Config.Labels "nope"}})", json{{"Config", {{"Labels", nullptr}}}}, kInspectTypes) == "");
  // A null map is Go's nil map.
  CHECK(typed_ok("{{.Config.Labels.nope}}", json{{"Config", {{"Labels", nullptr}}}}, kInspectTypes) ==
        "<no value>");
  CHECK(typed_ok("{{.NetworkSettings.Networks.bridge.IPAddress}}", kInspect, kInspectTypes) == "10.0.0.2");
  CHECK(typed_error("{{.NetworkSettings.Networks.bridge.Nope}}", kInspect, kInspectTypes) ==
        R"(template: :1:18: executing "" at <.NetworkSettings.Networks.bridge.Nope>: can't evaluate field Nope in type struct)");
  CHECK(typed_error("{{.Config.Nope}}", kInspect, kInspectTypes).find("can't evaluate field Nope") !=
        std::string::npos);
  // Elements of arrays, through range, index and variables, keep their type.
  CHECK(typed_ok(R"({{range .Mounts}}{{.Options.nope}}{{end}})", kInspect, kInspectTypes) == "<no value>");
  CHECK(typed_ok(R"({{(index .Mounts 0).Type}})", kInspect, kInspectTypes) == "volume");
  CHECK_FALSE(typed(R"({{(index .Mounts 0).Nope}})", kInspect, kInspectTypes));
  CHECK_FALSE(typed(R"({{range $k, $v := .NetworkSettings.Networks}}{{$v.Nope}}{{end}})", kInspect,
                    kInspectTypes));
  CHECK_FALSE(typed(R"({{with .State}}{{.Nope}}{{end}})", kInspect, kInspectTypes));
  // A nil pointer Docker's JSON leaves out.
  CHECK(typed_ok("{{.State.Health}}|{{if .State.Health}}h{{else}}n{{end}}|{{.SizeRw}}", kInspect,
                 kInspectTypes) == "<nil>|n|<nil>");
  CHECK_FALSE(typed("{{.State.Health.Status}}", kInspect, kInspectTypes));
}

TEST_CASE("the root fields an execution read", "[gotmpl]") {
  auto t = Template::parse(R"({{.ID}}{{if .Names}}{{.Ports}}{{end}}{{with .Label "a"}}{{end}})");
  REQUIRE(t);
  std::set<std::string> read;
  REQUIRE(t->render(kRow, RenderOptions{&kRowTypes, false, &read}));
  CHECK(read == std::set<std::string>{"ID", "Names", "Ports", "Label"});
  auto j = Template::parse("{{json .}}");
  read.clear();
  REQUIRE(j->render(kRow, RenderOptions{&kRowTypes, false, &read}));
  CHECK(read == std::set<std::string>{"ID", "Names", "Ports", "Label"});
}

TEST_CASE("missingkey=error: a map's missing key is an error", "[gotmpl]") {
  auto raw_error = [](std::string_view text) {
    auto t = Template::parse(text);
    REQUIRE(t);
    auto r = t->render(kInspect, RenderOptions{nullptr, true});
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK(raw_error("{{.Nope}}") == R"(template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope")");
  CHECK(raw_error("{{.State.Health.Status}}") ==
        R"(template: :1:8: executing "" at <.State.Health.Status>: map has no entry for key "Health")");
  CHECK(raw_error("{{.Config.Labels.nope}}") ==
        R"(template: :1:9: executing "" at <.Config.Labels.nope>: map has no entry for key "nope")");
  CHECK(render("{{.Config.Labels.nope}}", kInspect) == "<no value>");
}

TEST_CASE("a named template's errors carry its name", "[gotmpl]") {
  auto p = Template::parse("x{{.A", "version");
  REQUIRE_FALSE(p);
  CHECK(p.error().message == "template: version:1: unclosed action");
  auto multi = Template::parse("a\n{{.ID\n", "version");
  REQUIRE_FALSE(multi);
  CHECK(multi.error().message == "template: version:3: unclosed action started at version:2");
  auto t = Template::parse("{{.A.B}}", "version");
  REQUIRE(t);
  auto r = t->render(json{{"A", 1}});
  REQUIRE_FALSE(r);
  CHECK(r.error().message == R"(template: version:1:4: executing "version" at <.A.B>: can't evaluate field B in type int)");
}

TEST_CASE("Go field names that differ from their JSON keys", "[gotmpl]") {
  Types types;
  types.root = "system.versionInfo";
  types.structs = {{"Server", "*types.Version"}, {"Server.Components.[]", "types.ComponentVersion"}};
  types.keys = {{"Server.APIVersion", "ApiVersion"}, {"ID", "Id"}, {"Runtimes.*.Path", "path"}};
  types.maps = {{"Runtimes", ""}};
  const json data = {{"Id", "abc"},
                     {"Server", {{"ApiVersion", "1.41"}, {"Components", {{{"Name", "Engine"}}}}}},
                     {"Runtimes", {{"runc", {{"path", "/bin/runc"}}}}}};
  CHECK(typed_ok("{{.Server.APIVersion}} {{.ID}} {{.Runtimes.runc.Path}}", data, types) == "1.41 abc /bin/runc");
  CHECK(typed_ok("{{range $k, $v := .Runtimes}}{{$k}}={{$v.Path}}{{end}}", data, types) == "runc=/bin/runc");
  // The JSON key is no field; nested structs name their own type.
  CHECK(typed_error("{{.Server.ApiVersion}}", data, types) ==
        R"(template: :1:9: executing "" at <.Server.ApiVersion>: can't evaluate field ApiVersion in type *types.Version)");
  CHECK(typed_error("{{.Id}}", data, types) ==
        R"(template: :1:2: executing "" at <.Id>: can't evaluate field Id in type system.versionInfo)");
  CHECK(typed_error("{{.Runtimes.runc.path}}", data, types).ends_with("can't evaluate field path in type struct"));
  CHECK(typed_error("{{(index .Server.Components 0).Nope}}", data, types)
            .ends_with("can't evaluate field Nope in type types.ComponentVersion"));
  // {{json}} prints the JSON keys.
  CHECK(typed_ok("{{json .Server}}", json{{"Server", {{"ApiVersion", "1.41"}}}}, types) == R"({"ApiVersion":"1.41"})");
}

TEST_CASE("go_order: structs' keys in field order through arrays and maps, renamed fields by Go name", "[gotmpl]") {
  Types types;
  types.maps = {{"Networks", ""}, {"Networks.*.Opts", "\"\""}};
  types.keys = {{"Runtime", "runtime"}};
  types.order = {{"", {"b", "a", "runtime", "Networks"}},
                 {"Runtime", {"z", "y"}},
                 {"Networks.*", {"Q", "P", "Opts"}},
                 {"List.[]", {"k2", "k1"}}};
  json data = {{"a", 1},
               {"b", 2},
               {"c", 3},
               {"runtime", {{"y", 1}, {"z", 2}}},
               {"Networks", {{"n2", {{"P", 1}, {"Q", 2}, {"Opts", {{"y", 1}, {"x", 2}}}}}, {"n1", json::object()}}},
               {"List", {{{"k1", 1}, {"k2", 2}}}}};
  CHECK(skiff::gotmpl::go_order(data, types).dump() ==
        R"({"b":2,"a":1,"runtime":{"z":2,"y":1},"Networks":{"n1":{},"n2":{"Q":2,"P":1,"Opts":{"x":2,"y":1}}},)"
        R"("List":[{"k2":2,"k1":1}],"c":3})");
  // Templates print the order they are given.
  auto t = Template::parse("{{json .Runtime}} {{json .}}");
  REQUIRE(t);
  auto ordered = skiff::gotmpl::go_order(json{{"runtime", {{"y", 1}, {"z", 2}}}}, types);
  CHECK(*t->render(ordered, {&types}) == R"({"z":2,"y":1} {"runtime":{"z":2,"y":1}})");
}

TEST_CASE("root_marshalled: set once {{json .}} marshals the typed root", "[gotmpl]") {
  auto marshals = [](std::string_view text) {
    auto t = Template::parse(text);
    REQUIRE(t);
    bool m = false;
    REQUIRE(t->render(kRow, {.types = &kRowTypes, .root_marshalled = &m}));
    return m;
  };
  CHECK(marshals("{{json .}}"));
  CHECK(marshals("{{.ID}} {{. | json}}"));
  CHECK_FALSE(marshals("{{json .ID}} {{.Names}}"));
  CHECK_FALSE(marshals("{{if false}}{{json .}}{{end}}"));
}

TEST_CASE("a struct prints as Go's {v1 v2 ...}: field order, omitted fields, nil maps and slices", "[gotmpl]") {
  Types types;
  types.maps = {{"Config.Volumes", "{}"}, {"Config.Labels", "\"\""}};
  types.slices = {"Config.Cmd", "State.Log"};
  types.omitted = {{"State.Health", "null"}, {"State.Log", "null"}};
  types.order = {{"State", {"Status", "Running", "Pid", "Error", "Health", "Log"}},
                 {"Config", {"Cmd", "Labels", "Volumes"}}};
  json data = {{"State", {{"Running", true}, {"Pid", 12}, {"Status", "running"}, {"Error", ""}}},
               {"Config", {{"Volumes", nullptr}, {"Labels", {{"b", "2"}, {"a", "1"}}}, {"Cmd", nullptr}}}};
  auto ordered = skiff::gotmpl::go_order(data, types);
  auto render = [&](std::string_view text) {
    auto t = Template::parse(text);
    REQUIRE(t);
    auto r = t->render(ordered, {&types});
    REQUIRE(r);
    return *r;
  };
  CHECK(render("{{.State}}") == "{running true 12  <nil> []}");
  CHECK(render("{{.Config}}") == "{[] map[a:1 b:2] map[]}");
  CHECK(render(R"({{index .Config.Volumes "x"}}|{{.Config.Volumes}}|{{.Config.Cmd}})") == "{}|map[]|[]");
  CHECK(render(R"({{print .State.Pid .State}}|{{printf "%v" .Config}})") == "12 {running true 12  <nil> []}|{[] map[a:1 b:2] map[]}");
  // A nil slice or map has length 0; an untyped nil has none.
  CHECK(render("{{len .Config.Cmd}} {{len .Config.Volumes}} {{len .Config.Labels}}") == "0 0 2");
  // Untyped data stays a map.
  auto t = Template::parse("{{.State}}");
  CHECK(*t->render(json{{"State", {{"B", 1}, {"A", 2}}}}) == "map[A:2 B:1]");
}
