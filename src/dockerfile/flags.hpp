// An instruction's --flags checked against the ones it takes, as BuildKit's
// BFlags (instructions/bflag.go) does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::dockerfile {

enum class FlagKind { boolean, string, strings };

struct FlagSpec {
  std::string_view name;  // without "--"
  FlagKind kind;
};

struct FlagValue {
  bool used = false;
  std::string value;                // string flags; "true"/"false" for booleans
  std::vector<std::string> values;  // repeatable (strings) flags
};

// `args` as node_from_line extracts them ("--from=x", "--link"; a lone
// "--" already ended them); the values in the order of `specs`. A flag not
// in `specs` is "unknown flag: --NAME".
Result<std::vector<FlagValue>> parse_flags(const std::vector<std::string> &args,
                                           const std::vector<FlagSpec> &specs);

} // namespace skiff::dockerfile
