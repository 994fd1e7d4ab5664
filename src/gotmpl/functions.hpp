// Template functions: Go's builtins and docker/cli's templates.basicFunctions.
#pragma once

#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"
#include "value.hpp"

namespace skiff::gotmpl::detail {

// Go parameter types, which decide how the evaluator checks an argument.
enum class Param {
  any,     // interface{}: no value becomes nil
  value,   // reflect.Value: passed as is, even no value
  string,  // string
  integer, // int
  strings, // []string
};

struct Function {
  std::string_view name;
  std::vector<Param> params; // when variadic, the last one repeats
  bool variadic;
  // Arguments arrive checked against params. Errors carry the bare message;
  // the evaluator adds "error calling <name>: ". Null for and/or, which the
  // evaluator runs itself because they short-circuit.
  Result<Value> (*call)(const std::vector<Value> &args);
};

// Null when no function has that name. `header`: docker/cli's
// HeaderFunctions replace json, split, join, title, lower, upper, truncate.
const Function *find_function(std::string_view name, bool header = false);

} // namespace skiff::gotmpl::detail
