// --format for info and version, as docker/cli runs it: "json" is
// `{{json .}}`, a template that does not parse exits 64, one that fails
// to execute prints what it had written, a newline, and exits 1.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "skiff/gotmpl/template.hpp"
#include "skiff/util/result.hpp"

namespace skiff::cli {

// What goes to stdout (with Docker's trailing newline), then the error.
struct Rendered {
  std::string text;
  std::optional<Error> error;
};
// `name` is the template's (docker/cli names version's "version").
Rendered render_format(const std::string &format, const nlohmann::json &data, const gotmpl::Types &types,
                       const std::string &name = "");

} // namespace skiff::cli
