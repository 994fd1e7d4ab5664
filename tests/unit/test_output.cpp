// The listing and inspect output around typed templates: docker/cli's
// error words, its raw-JSON fallback for inspect, and ps's format check.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "skiff/cli/output.hpp"

using nlohmann::json;
using skiff::cli::check_rows_format;
using skiff::cli::Inspected;
using skiff::cli::render_inspect;
using skiff::cli::render_rows;
using skiff::gotmpl::Types;

namespace {

const Types kRow = {"*formatter.imageContext", {}, {}, {}, true};
const Types kVolume = {"volume.Volume", {{"Labels", "\"\""}, {"Options", "\"\""}}, {}, {}, false};
const json kHeaders = {{"ID", "IMAGE ID"}, {"Size", "SIZE"}};

} // namespace

TEST_CASE("render_rows: a field the row type lacks is docker's template parsing error", "[output]") {
  std::vector<json> rows = {{{"ID", "abc"}, {"Size", "1B"}}};
  auto r = render_rows("{{.Nope}}", rows, kHeaders, kRow);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate "
                             "field Nope in type *formatter.imageContext");
  // No rows, nothing executed.
  CHECK(*render_rows("{{.Nope}}", {}, kHeaders, kRow) == "");
  // The header row is a map: docker prints <no value> there.
  CHECK(*render_rows("table {{.Nope}}", {}, kHeaders, kRow) == "<no value>\n");
  CHECK(*render_rows("table {{.ID}}\\t{{.Size}}  ", rows, kHeaders, kRow) == "IMAGE ID   SIZE\nabc        1B\n");
  CHECK(*render_rows("json", {{{"ID", "<a>"}}}, kHeaders, kRow) == "{\"ID\":\"\\u003ca\\u003e\"}\n");
  // The header's errors are ignored, keeping what it printed before.
  CHECK(*render_rows("table {{.ID}} {{lower .Nope}} x", {}, kHeaders, kRow) == "IMAGE ID \n");
  // Header functions keep the column titles as they are; pad still pads.
  CHECK(*render_rows("table {{lower .ID}}|{{truncate .Size 1}}|{{json .ID}}|{{pad .Size 1 0}}", rows, kHeaders, kRow) ==
        "IMAGE ID|SIZE|IMAGE ID| SIZE\nabc|1|\"abc\"| 1B\n");
  auto bad = render_rows("{{.ID", rows, kHeaders, kRow);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "template parsing error: template: :1: unclosed action");
}

TEST_CASE("check_rows_format: docker/cli's check on an empty row, and whether a field matters", "[output]") {
  json empty = {{"ID", ""}, {"Size", "0B"}};
  auto r = check_rows_format("table {{.Nope}}", empty, kRow, "Size");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "failed to execute template: template: :1:8: executing \"\" at <.Nope>: can't "
                             "evaluate field Nope in type *formatter.imageContext");
  CHECK(check_rows_format("{{.Size", empty, kRow, "Size").error().message ==
        "failed to parse template: template: :1: unclosed action");
  CHECK(*check_rows_format("{{.ID}}", empty, kRow, "Size") == false);
  CHECK(*check_rows_format("json", empty, kRow, "Size") == false);
  CHECK(*check_rows_format("{{.Size}}", empty, kRow, "Size") == true);
  CHECK(*check_rows_format("{{if .Size}}x{{end}}", empty, kRow, "Size") == true);
  CHECK(*check_rows_format("{{json .}}", empty, kRow, "Size") == true);
  CHECK(*check_rows_format(R"({{if eq .Size "0B"}}none{{end}})", empty, kRow, "Size") == true);
  // Not reached on the empty row: docker's check passes it too.
  CHECK(*check_rows_format("{{if .ID}}{{.Nope}}{{end}}", empty, kRow, "Size") == false);
}

TEST_CASE("render_inspect: typed, then the raw JSON with missingkey=error", "[output]") {
  std::vector<Inspected> objs = {{{{"Name", "v"}, {"Labels", nullptr}}, &kVolume},
                                 {{{"Name", "w"}, {"Labels", {{"a", "1"}}}}, &kVolume}};
  auto ok = render_inspect("{{.Name}} {{.Labels.a}}", objs, true);
  REQUIRE(ok);
  CHECK(ok->text == "v <no value>\nw 1\n");
  CHECK(ok->errors.empty());
  auto raw = render_inspect("{{.Nope}}", objs, true);
  REQUIRE(raw);
  CHECK(raw->text == "\n");
  REQUIRE(raw->errors.size() == 2);
  CHECK(raw->errors[0].message ==
        "template parsing error: template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
  auto typed = render_inspect("{{.Nope}}", objs, false);
  REQUIRE(typed);
  CHECK(typed->errors[0].message == "template parsing error: template: :1:2: executing \"\" at <.Nope>: can't "
                                    "evaluate field Nope in type volume.Volume");
  // One object failing leaves the other's line.
  auto part = render_inspect("{{.Labels.a}}", objs, true);
  REQUIRE(part);
  CHECK(part->text == "<no value>\n1\n");
  auto mixed = render_inspect("{{.Name}}{{if .Labels}}{{.Nope}}{{end}}", objs, true);
  REQUIRE(mixed);
  CHECK(mixed->text == "v\n");
  CHECK(mixed->errors.size() == 1);
  auto bad = render_inspect("{{.Name", objs, true);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().exit_code == 64);
  CHECK(render_inspect("json", objs, true)->text == R"([{"Labels":null,"Name":"v"},{"Labels":{"a":"1"},"Name":"w"}])"
                                                    "\n");
}

TEST_CASE("render_inspect: structs in Go's field order, maps sorted, the raw fallback all sorted", "[output]") {
  Types types;
  types.root = "container.InspectResponse";
  types.maps = {{"Config.Labels", "\"\""}};
  types.keys = {{"ID", "Id"}};
  types.order = {{"", {"Id", "Created", "State", "Config"}},
                 {"State", {"Status", "Running"}},
                 {"Config", {"Hostname", "Labels", "Env"}},
                 {"Mounts.[]", {"Type", "Name"}}};
  json data = {{"Config", {{"Env", json::array()}, {"Labels", {{"z", "1"}, {"a", "2"}}}, {"Hostname", "h"}}},
               {"State", {{"Running", true}, {"Status", "running"}}},
               {"Created", "t"},
               {"Id", "abc"},
               {"Extra", 1},
               {"Mounts", {{{"Name", "v"}, {"Type", "volume"}}}}};
  std::vector<Inspected> objs = {{data, &types}};
  CHECK(render_inspect("json", objs, true)->text ==
        R"([{"Id":"abc","Created":"t","State":{"Status":"running","Running":true},)"
        R"("Config":{"Hostname":"h","Labels":{"a":"2","z":"1"},"Env":[]},"Extra":1,)"
        R"("Mounts":[{"Type":"volume","Name":"v"}]}])"
        "\n");
  CHECK(render_inspect("", objs, true)->text.starts_with("[\n    {\n        \"Id\": \"abc\",\n        \"Created\""));
  CHECK(render_inspect("{{json .State}} {{json .Config.Labels}} {{.ID}}", objs, true)->text ==
        R"({"Status":"running","Running":true} {"a":"2","z":"1"} abc)"
        "\n");
  // Docker's raw fallback decodes into Go maps, which print sorted.
  CHECK(render_inspect("{{.Id}} {{json .State}}", objs, true)->text == R"(abc {"Running":true,"Status":"running"})"
                                                                         "\n");
}
