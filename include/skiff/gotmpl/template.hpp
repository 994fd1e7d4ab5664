// Go's text/template, as docker uses it for --format: the Go builtins plus
// docker/cli's json, join, split, lower, upper, title, pad and truncate.
// The data is JSON: `.A.B` looks up object keys and values print the way
// Go's fmt prints them. What a missing key does depends on the Go type the
// object stands for (see Types).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/util/result.hpp"

namespace skiff::gotmpl {

namespace detail {
struct Tree;
}

// Go's strconv.Quote, which docker/cli applies to some columns.
std::string quote(std::string_view s);

// encoding/json's HTML escaping of encoded JSON: <, > and & as \u003c,
// \u003e and \u0026.
std::string escape_html(std::string_view encoded);

// The Go types behind the JSON a template is given. Docker's data is typed:
// a field its struct lacks is an error ("can't evaluate field X in type T"),
// a key its map lacks prints "<no value>". Paths name an object by the keys
// leading to it from the root, joined by '.'; the values of a map are named
// "*" and the elements of an array "[]":
// "NetworkSettings.Networks.*.DriverOpts", "Mounts.[]". Paths spell
// struct fields by their Go names, as templates do.
struct Types {
  // The root's Go type, for errors: "*formatter.ContainerContext".
  std::string root;
  // The objects that are Go maps (every other object is a struct), with
  // the JSON of their elements' zero value, which `index` gives for a
  // missing key ("\"\"" for a map[string]string); "" when it gives no value
  // (an interface{}, or a key type a string does not convert to).
  std::map<std::string, std::string> maps;
  // Struct fields JSON leaves out when empty (omitempty), with the JSON of
  // the Go value they hold then: "null" for a nil pointer.
  std::map<std::string, std::string> omitted;
  // Methods taking one string (docker/cli's .Label "KEY"), given in the data
  // as the map the argument looks up; {{json .}} leaves them out.
  std::set<std::string> methods;
  // The root is one of docker/cli's formatter contexts, whose MarshalJSON
  // goes through encoding/json's default: {{json .}} escapes <, > and &.
  bool escapes_html = false;
  // The Go types of the structs below the root, for errors:
  // "Server" -> "*types.Version"; "struct" when not named.
  std::map<std::string, std::string> structs;
  // The struct fields whose JSON key is not their Go name:
  // "Server.APIVersion" -> "ApiVersion". Templates name the Go field; the
  // JSON key is no field of the struct.
  std::map<std::string, std::string> keys;
  // The JSON keys of structs in Go's field order, which encoding/json
  // prints: "State" -> {"Status", "Running", ...}. Keys not listed follow,
  // sorted.
  std::map<std::string, std::vector<std::string>> order;
  // The slices whose JSON null is Go's nil slice, which prints "[]".
  std::set<std::string> slices;

  // The Go name of the field JSON calls `key` in the struct at `path`.
  std::string go_field(const std::string &path, const std::string &key) const;
};

// `data` with its structs' keys in Go's field order and its maps' keys
// sorted, as Go's encoding/json and fmt print them.
nlohmann::ordered_json go_order(const nlohmann::json &data, const Types &types);

struct RenderOptions {
  // Null: untyped, every object a map.
  const Types *types = nullptr;
  // Go's missingkey=error: a key a map lacks is an error, not "<no value>".
  bool missing_key_error = false;
  // When set, collects the fields of the typed root the execution read
  // (every one for {{json .}}, which calls docker/cli's every method):
  // docker/cli's ps asks for sizes when .Size is read.
  std::set<std::string> *root_fields_read = nullptr;
  // docker/cli's HeaderFunctions, for a table's header row: json, split,
  // join, title, lower, upper and truncate give back their first argument.
  bool header_functions = false;
  // When set, receives what an execution that failed had printed before
  // (Go's Execute writes as it goes).
  std::string *partial = nullptr;
  // When set, becomes true once {{json .}} marshals the typed root:
  // docker/cli's contexts answer some fields otherwise from then on
  // (search's IsOfficial "true" for "[OK]").
  bool *root_marshalled = nullptr;
};

// A parsed template. Copies share the immutable parse tree.
class Template {
public:
  // Syntax errors, unknown functions and undefined variables fail here,
  // with Go's messages ("template: :1: function \"foo\" not defined").
  // `name` is Go's template.New(name), which errors show.
  static Result<Template> parse(std::string_view text, const std::string &name = "");

  // Executes the template with `dot` as both `.` and `$`.
  // Objects print their keys in the data's order (a struct's fields in
  // Go's order; give Go maps sorted, as Go prints them); a nlohmann::json
  // is all sorted.
  Result<std::string> render(const nlohmann::ordered_json &dot, const RenderOptions &opts = {}) const;
  Result<std::string> render(const nlohmann::json &dot, const RenderOptions &opts = {}) const;

private:
  explicit Template(std::shared_ptr<const detail::Tree> tree) : tree_(std::move(tree)) {}
  std::shared_ptr<const detail::Tree> tree_;
};

} // namespace skiff::gotmpl
