// A reader for the TOML that configuration files use (containers'
// registries.conf): tables become JSON objects, arrays of tables JSON
// arrays of objects. Comments, bare, quoted and dotted keys, [tables],
// [[arrays of tables]], basic and literal strings (one and several
// lines), integers, floats, booleans, arrays and inline tables. Dates and
// times are refused: no file skiff reads has them. Pure.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "skiff/util/result.hpp"

namespace skiff::toml {

// Errors name the line: "line 3: expected '=' after key \"a\"".
Result<nlohmann::json> parse(std::string_view text);

} // namespace skiff::toml
