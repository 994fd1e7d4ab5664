// Output for listing commands: Docker's "table" directive, Go templates,
// "json" and plain IDs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "skiff/gotmpl/template.hpp"
#include "skiff/util/result.hpp"

namespace skiff::cli {

// Renders `rows` with `format` ("table ...", "json", or a Go template);
// `headers` maps each field name to its column title for the table header;
// `types` is the Go type of a row (docker/cli's formatter context), so a
// field it lacks is an error, as docker's "template parsing error: ...".
Result<std::string> render_rows(const std::string &format, const std::vector<nlohmann::json> &rows,
                                const nlohmann::json &headers, const gotmpl::Types &types);

// docker/cli's ps checks --format before it lists: the whole string (a
// "table" prefix included) executed on an empty row ("failed to execute
// template: ..."). Says whether it read `field` (ps then asks for sizes
// when .Size is read).
Result<bool> check_rows_format(const std::string &format, const nlohmann::json &empty_row,
                               const gotmpl::Types &types, const std::string &field);

// Whether `format` executed on `row` marshals it with {{json .}}, after
// which docker/cli's search context answers IsOfficial "true"/"false".
bool format_marshals_row(const std::string &format, const nlohmann::json &row, const gotmpl::Types &types);

// An object to inspect and its Go type.
struct Inspected {
  nlohmann::json data;
  const gotmpl::Types *types;
};
struct InspectOutput {
  std::string text;
  std::vector<Error> errors; // one per object the template failed on
};
// inspect as docker/cli's inspectors: "" an indented JSON array, "json" a
// compact one (keys in Go's order: structs' fields in field order, maps'
// keys sorted), else the template on each object's typed form, then (with
// `raw_fallback`, as for every kind but `volume inspect`) on its raw JSON
// with missingkey=error. An object that fails prints nothing and adds an
// error; a template that does not parse is an error (exit 64).
Result<InspectOutput> render_inspect(const std::string &format, const std::vector<Inspected> &objs,
                                     bool raw_fallback);

// Prints render_inspect's output, then its errors; returns `rc`, or the
// exit code of the last error.
int print_inspect(const std::string &format, const std::vector<Inspected> &objs, bool raw_fallback, int rc);

// Docker's 4-space-indented JSON with HTML characters escaped as Go does.
std::string docker_json(const nlohmann::json &j, int indent);
std::string docker_json(const nlohmann::ordered_json &j, int indent);

} // namespace skiff::cli
