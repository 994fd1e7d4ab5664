// Output for listing commands: Docker's "table" directive, Go templates,
// "json" and plain IDs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/util/result.hpp"

namespace skiff::cli {

// Renders `rows` with `format` ("table ...", "json", or a Go template);
// `headers` maps each field name to its column title for the table header.
Result<std::string> render_rows(const std::string &format, const std::vector<nlohmann::json> &rows,
                                const nlohmann::json &headers);

// inspect-style output: a pretty JSON array, or the template per object.
Result<std::string> render_inspect(const std::string &format, const std::vector<nlohmann::json> &objs);

// Docker's 4-space-indented JSON with HTML characters escaped as Go does.
std::string docker_json(const nlohmann::json &j, int indent);

} // namespace skiff::cli
