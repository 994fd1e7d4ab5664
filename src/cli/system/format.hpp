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

} // namespace skiff::cli
