// Function bodies, after text/template/funcs.go and docker/cli's
// templates/templates.go, with their error messages.
#include "functions.hpp"

#include <array>
#include <string>

#include "fmt.hpp"
#include "lexer.hpp"

namespace skiff::gotmpl::detail {

namespace {

Error fail(std::string msg) { return Error{Errc::invalid, std::move(msg), kExitRuntime}; }

bool is_nil(const Value &v) { return !v.valid() || v->is_null(); }

const std::string &str(const Value &v) { return v->get_ref<const std::string &>(); }

Value of(json j) { return Value::own(std::move(j)); }

// Comparison kinds, as Go's basicKind; "none" covers nil and containers.
enum class Kind { none, boolean, integer, uinteger, floating, string };

Kind kind(const Value &v) {
  if (!v.valid())
    return Kind::none;
  switch (v->type()) {
  case json::value_t::boolean: return Kind::boolean;
  case json::value_t::number_integer: return Kind::integer;
  case json::value_t::number_unsigned: return Kind::uinteger;
  case json::value_t::number_float: return Kind::floating;
  case json::value_t::string: return Kind::string;
  default: return Kind::none;
  }
}

constexpr const char *kBadType = "invalid type for comparison";
constexpr const char *kIncompatible = "incompatible types for comparison";

Result<bool> equal(const Value &a, const Value &b) {
  Kind ka = kind(a), kb = kind(b);
  if (ka != kb) {
    // Integers compare across signedness; nil equals only nil.
    if (ka == Kind::integer && kb == Kind::uinteger)
      return a->get<int64_t>() >= 0 && a->get<uint64_t>() == b->get<uint64_t>();
    if (ka == Kind::uinteger && kb == Kind::integer)
      return b->get<int64_t>() >= 0 && a->get<uint64_t>() == b->get<uint64_t>();
    if (is_nil(a) || is_nil(b))
      return false;
    return fail(kIncompatible);
  }
  switch (ka) {
  case Kind::boolean: return a->get<bool>() == b->get<bool>();
  case Kind::integer: return a->get<int64_t>() == b->get<int64_t>();
  case Kind::uinteger: return a->get<uint64_t>() == b->get<uint64_t>();
  case Kind::floating: return a->get<double>() == b->get<double>();
  case Kind::string: return str(a) == str(b);
  default:
    if (is_nil(a) || is_nil(b))
      return is_nil(a) == is_nil(b);
    return fail(kBadType); // arrays and maps are not comparable
  }
}

Result<bool> less(const Value &a, const Value &b) {
  Kind ka = kind(a), kb = kind(b);
  if (ka == Kind::none || kb == Kind::none)
    return fail(kBadType);
  if (ka != kb) {
    if (ka == Kind::integer && kb == Kind::uinteger)
      return a->get<int64_t>() < 0 || a->get<uint64_t>() < b->get<uint64_t>();
    if (ka == Kind::uinteger && kb == Kind::integer)
      return b->get<int64_t>() >= 0 && a->get<uint64_t>() < b->get<uint64_t>();
    return fail(kIncompatible);
  }
  switch (ka) {
  case Kind::integer: return a->get<int64_t>() < b->get<int64_t>();
  case Kind::uinteger: return a->get<uint64_t>() < b->get<uint64_t>();
  case Kind::floating: return a->get<double>() < b->get<double>();
  case Kind::string: return str(a) < str(b);
  default: return fail(kBadType);
  }
}

Result<Value> fn_eq(const std::vector<Value> &a) {
  if (a.size() < 2)
    return fail("missing argument for comparison");
  for (size_t i = 1; i < a.size(); ++i)
    if (TRY(equal(a[0], a[i])))
      return of(true);
  return of(false);
}

Result<Value> fn_ne(const std::vector<Value> &a) { return of(!TRY(equal(a[0], a[1]))); }
Result<Value> fn_lt(const std::vector<Value> &a) { return of(TRY(less(a[0], a[1]))); }
Result<Value> fn_ge(const std::vector<Value> &a) { return of(!TRY(less(a[0], a[1]))); }

Result<Value> fn_le(const std::vector<Value> &a) {
  return of(TRY(less(a[0], a[1])) || TRY(equal(a[0], a[1])));
}

Result<Value> fn_gt(const std::vector<Value> &a) {
  return of(!(TRY(less(a[0], a[1])) || TRY(equal(a[0], a[1]))));
}

Result<Value> fn_not(const std::vector<Value> &a) { return of(!truth(a[0])); }

Result<Value> fn_len(const std::vector<Value> &a) {
  if (a[0].is_nil_collection())
    return of(int64_t{0});
  if (is_nil(a[0]))
    return fail("len of untyped nil");
  const json &j = *a[0];
  if (j.is_string())
    return of(static_cast<int64_t>(j.get_ref<const std::string &>().size()));
  if (j.is_array() || j.is_object())
    return of(static_cast<int64_t>(j.size()));
  return fail("len of type " + type_name(j));
}

// Go's indexArg: an integer in [0, cap].
Result<size_t> index_arg(const Value &i, size_t cap) {
  if (is_nil(i))
    return fail("cannot index slice/array with nil");
  if (!is_int(*i))
    return fail("cannot index slice/array with type " + type_name(*i));
  if (i->is_number_unsigned()) {
    auto x = i->get<uint64_t>();
    if (x > cap)
      return fail("index out of range: " + std::to_string(x));
    return static_cast<size_t>(x);
  }
  auto x = i->get<int64_t>();
  if (x < 0 || static_cast<uint64_t>(x) > cap)
    return fail("index out of range: " + std::to_string(x));
  return static_cast<size_t>(x);
}

// The zero value of a typed map's elements, which index gives for a key
// the map lacks; no value when the map is untyped.
Value map_zero(const Value &map) {
  if (!map.types())
    return Value();
  auto it = map.types()->maps.find(map.path());
  if (it == map.types()->maps.end() || it->second.empty())
    return Value();
  // Typed as the map's elements: a struct{} prints "{}".
  return of(json::parse(it->second)).typed_as(map, "*");
}

Result<Value> fn_index(const std::vector<Value> &a) {
  Value v = a[0];
  if (is_nil(v) && !(v.valid() && v.types() && v.is_map()))
    return fail("index of untyped nil");
  for (size_t k = 1; k < a.size(); ++k) {
    bool nil_map = v.valid() && v->is_null() && v.types() && v.is_map();
    if (is_nil(v) && !nil_map)
      return fail("index of nil pointer");
    const json &j = *v;
    if (j.is_array() || j.is_string()) {
      size_t n = j.is_array() ? j.size() : j.get_ref<const std::string &>().size();
      size_t x = TRY(index_arg(a[k], n));
      if (x == n)
        return fail("index out of range: " + std::to_string(x));
      // A string index is a byte, which Go prints as a number.
      v = j.is_array() ? v.element(j[x])
                       : of(static_cast<unsigned char>(j.get_ref<const std::string &>()[x]));
    } else if (j.is_object() || nil_map) {
      if (is_nil(a[k]))
        return fail("value is nil; should be of type string");
      if (!a[k]->is_string())
        return fail("value has type " + type_name(*a[k]) + "; should be string");
      auto it = j.find(str(a[k]));
      v = it == j.end() ? map_zero(v) : v.member(str(a[k]), *it);
    } else {
      return fail("can't index item of type " + type_name(j));
    }
  }
  return v;
}

Result<Value> fn_slice(const std::vector<Value> &a) {
  if (is_nil(a[0]))
    return fail("slice of untyped nil");
  if (a.size() > 4)
    return fail("too many slice indexes: " + std::to_string(a.size() - 1));
  const json &j = *a[0];
  size_t len;
  if (j.is_string()) {
    if (a.size() == 4)
      return fail("cannot 3-index slice a string");
    len = j.get_ref<const std::string &>().size();
  } else if (j.is_array()) {
    len = j.size();
  } else {
    return fail("can't slice item of type " + type_name(j));
  }
  std::array<size_t, 3> idx{0, len, len};
  for (size_t k = 1; k < a.size(); ++k)
    idx[k - 1] = TRY(index_arg(a[k], len));
  if (idx[0] > idx[1])
    return fail("invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  if (a.size() == 4 && idx[1] > idx[2])
    return fail("invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2]));
  if (j.is_string())
    return of(j.get_ref<const std::string &>().substr(idx[0], idx[1] - idx[0]));
  return of(json(j.begin() + static_cast<long>(idx[0]), j.begin() + static_cast<long>(idx[1])));
}

Result<Value> fn_print(const std::vector<Value> &a) { return of(sprint(a)); }
Result<Value> fn_println(const std::vector<Value> &a) { return of(sprintln(a)); }

Result<Value> fn_printf(const std::vector<Value> &a) {
  return of(sprintf(str(a[0]), std::vector<Value>(a.begin() + 1, a.end())));
}

// docker/cli's formatter contexts marshal themselves: their methods with
// arguments left out, through encoding/json's HTML escaping.
Result<Value> fn_json(const std::vector<Value> &a) {
  const Types *types = a[0].types();
  if (!types || !a[0].path().empty() || !types->escapes_html)
    return of(json_encode(*a[0]));
  json j = *a[0];
  if (j.is_object())
    for (const auto &m : types->methods)
      j.erase(m);
  return of(escape_html(json_encode(j)));
}

Result<Value> fn_split(const std::vector<Value> &a) {
  const std::string &s = str(a[0]);
  const std::string &sep = str(a[1]);
  json out = json::array();
  if (sep.empty()) {
    // One element per UTF-8 sequence, as strings.Split does.
    size_t w = 0;
    for (size_t i = 0; i < s.size(); i += w) {
      decode_rune(s, i, &w);
      out.push_back(s.substr(i, w));
    }
    return of(std::move(out));
  }
  size_t start = 0, at;
  while ((at = s.find(sep, start)) != std::string::npos) {
    out.push_back(s.substr(start, at - start));
    start = at + sep.size();
  }
  out.push_back(s.substr(start));
  return of(std::move(out));
}

Result<Value> fn_join(const std::vector<Value> &a) {
  std::string out;
  bool first = true;
  for (const json &e : *a[0]) {
    if (!first)
      out += str(a[1]);
    first = false;
    out += e.get_ref<const std::string &>();
  }
  return of(std::move(out));
}

// strings.ToLower/ToUpper/Title, for ASCII letters; other runes are kept.
Result<Value> fn_lower(const std::vector<Value> &a) {
  std::string s = str(a[0]);
  for (char &c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return of(std::move(s));
}

Result<Value> fn_upper(const std::vector<Value> &a) {
  std::string s = str(a[0]);
  for (char &c : s)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return of(std::move(s));
}

Result<Value> fn_title(const std::vector<Value> &a) {
  std::string s = str(a[0]);
  // A letter starts a word after anything but an ASCII letter, digit or
  // underscore; non-ASCII bytes count as letters.
  auto separator = [](unsigned char c) {
    return c < 0x80 && !(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                         (c >= 'A' && c <= 'Z'));
  };
  unsigned char prev = ' ';
  for (char &c : s) {
    auto u = static_cast<unsigned char>(c);
    if (separator(prev) && u >= 'a' && u <= 'z')
      c = static_cast<char>(u - 'a' + 'A');
    prev = u;
  }
  return of(std::move(s));
}

Result<Value> fn_pad(const std::vector<Value> &a) {
  const std::string &s = str(a[0]);
  auto left = a[1]->get<int64_t>(), right = a[2]->get<int64_t>();
  if (left < 0 || right < 0)
    return fail("strings: negative Repeat count");
  if (s.empty())
    return of(s);
  return of(std::string(static_cast<size_t>(left), ' ') + s +
            std::string(static_cast<size_t>(right), ' '));
}

Result<Value> fn_truncate(const std::vector<Value> &a) {
  const std::string &s = str(a[0]);
  auto n = a[1]->get<int64_t>();
  if (n >= 0 && s.size() < static_cast<uint64_t>(n))
    return of(s);
  if (n < 0)
    return fail("runtime error: slice bounds out of range [:" + std::to_string(n) + "]");
  return of(s.substr(0, static_cast<size_t>(n)));
}

using P = Param;

const Function kFunctions[] = {
    {"and", {P::value, P::value}, true, nullptr},
    {"or", {P::value, P::value}, true, nullptr},
    {"not", {P::value}, false, fn_not},
    {"len", {P::value}, false, fn_len},
    {"index", {P::value, P::value}, true, fn_index},
    {"slice", {P::value, P::value}, true, fn_slice},
    {"print", {P::any}, true, fn_print},
    {"printf", {P::string, P::any}, true, fn_printf},
    {"println", {P::any}, true, fn_println},
    {"eq", {P::value, P::value}, true, fn_eq},
    {"ne", {P::value, P::value}, false, fn_ne},
    {"lt", {P::value, P::value}, false, fn_lt},
    {"le", {P::value, P::value}, false, fn_le},
    {"gt", {P::value, P::value}, false, fn_gt},
    {"ge", {P::value, P::value}, false, fn_ge},
    // docker/cli
    {"json", {P::any}, false, fn_json},
    {"split", {P::string, P::string}, false, fn_split},
    {"join", {P::strings, P::string}, false, fn_join},
    {"title", {P::string}, false, fn_title},
    {"lower", {P::string}, false, fn_lower},
    {"upper", {P::string}, false, fn_upper},
    {"pad", {P::string, P::integer, P::integer}, false, fn_pad},
    {"truncate", {P::string, P::integer}, false, fn_truncate},
};

// docker/cli's HeaderFunctions: a table's header keeps its column titles
// as they are, so these give back their first argument, a string.
Result<Value> fn_first(const std::vector<Value> &a) { return a[0]; }

const Function kHeaderFunctions[] = {
    {"json", {P::string}, false, fn_first},
    {"split", {P::string, P::string}, false, fn_first},
    {"join", {P::string, P::string}, false, fn_first},
    {"title", {P::string}, false, fn_first},
    {"lower", {P::string}, false, fn_first},
    {"upper", {P::string}, false, fn_first},
    {"truncate", {P::string, P::integer}, false, fn_first},
};

} // namespace

const Function *find_function(std::string_view name, bool header) {
  if (header)
    for (const Function &f : kHeaderFunctions)
      if (f.name == name)
        return &f;
  for (const Function &f : kFunctions)
    if (f.name == name)
      return &f;
  return nullptr;
}

} // namespace skiff::gotmpl::detail
