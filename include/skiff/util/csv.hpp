// One CSV record as docker/cli reads --mount and BuildKit reads RUN --mount
// and build --secret (Go's encoding/csv, go-csvvalue).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::str {

// Fields at commas; a field in double quotes may hold commas, and "" in
// it is a quote. The error is the bare reason, for the caller to frame.
Result<std::vector<std::string>> csv_fields(std::string_view s);

} // namespace skiff::str
