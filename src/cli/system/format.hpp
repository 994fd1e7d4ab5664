// --format for info and version, as docker/cli runs it: "json" is
// `{{json .}}`, a template that does not parse exits 64.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace skiff::cli {

// The rendered text (with Docker's trailing newline), or the exit code
// after the error was printed.
struct Rendered {
  std::optional<std::string> text;
  int code = 0;
};
Rendered render_format(const std::string &format, const nlohmann::json &data);

// Docker's templates reach these objects' fields by their Go names, ours
// by the JSON keys: the few Go names that differ (.Server.APIVersion,
// .HTTPProxy, .CPUCfsPeriod, ...) are turned into the keys inside the
// template's actions, outside its string literals.
std::string go_field_names_to_keys(const std::string &format);

} // namespace skiff::cli
