// Go's text/template, as docker uses it for --format: the Go builtins plus
// docker/cli's json, join, split, lower, upper, title, pad and truncate.
// The data is JSON: `.A.B` looks up object keys, a missing key prints as
// "<no value>", and values print the way Go's fmt prints them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json_fwd.hpp>

#include "skiff/util/result.hpp"

namespace skiff::gotmpl {

namespace detail {
struct Tree;
}

// Go's strconv.Quote, which docker/cli applies to some columns.
std::string quote(std::string_view s);

// A parsed template. Copies share the immutable parse tree.
class Template {
public:
  // Syntax errors, unknown functions and undefined variables fail here,
  // with Go's messages ("template: :1: function \"foo\" not defined").
  static Result<Template> parse(std::string_view text);

  // Executes the template with `dot` as both `.` and `$`.
  Result<std::string> render(const nlohmann::json &dot) const;

private:
  explicit Template(std::shared_ptr<const detail::Tree> tree) : tree_(std::move(tree)) {}
  std::shared_ptr<const detail::Tree> tree_;
};

} // namespace skiff::gotmpl
