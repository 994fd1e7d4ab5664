// The values a template computes with: JSON nodes, plus Go's "no value".
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "skiff/gotmpl/template.hpp"

namespace skiff::gotmpl::detail {

// Ordered: a struct's fields keep the order the data gives them (Go's
// field order), which {{json}} prints.
using json = nlohmann::ordered_json;

// A JSON node, or nothing: Go's invalid reflect.Value, which is what a
// missing map key yields and what prints as "<no value>". Nodes of the data
// are borrowed, not copied; computed values own their JSON. A child keeps
// its parent's owner alive through shared_ptr aliasing. Values of typed
// data know their path in the Types; computed ones are untyped (maps).
class Value {
public:
  Value() = default;
  static Value own(json j) {
    Value v;
    v.p_ = std::make_shared<const json>(std::move(j));
    return v;
  }
  // The caller keeps `j` and `types` alive for as long as the Value is used.
  static Value borrow(const json &j, const Types *types = nullptr) {
    Value v;
    v.p_ = std::shared_ptr<const json>(std::shared_ptr<const json>(), &j);
    v.types_ = types;
    return v;
  }
  // Of an object: the value at `key`; `elem` must live inside this value's JSON.
  Value member(const std::string &key, const json &elem) const {
    return child(elem, is_map() ? "*" : key);
  }
  // Of an array.
  Value element(const json &elem) const { return child(elem, "[]"); }
  // A value a typed struct stands for without holding it (an omitted field).
  Value typed_as(const Value &parent, const std::string &key) const {
    Value v = *this;
    v.types_ = parent.types_;
    v.path_ = join(parent.path_, key);
    return v;
  }
  bool valid() const { return p_ != nullptr; }
  const json &operator*() const { return *p_; }
  const json *operator->() const { return p_.get(); }
  const Types *types() const { return types_; }
  const std::string &path() const { return path_; }
  // A Go map (or untyped data), where a missing key is no value.
  bool is_map() const { return !types_ || types_->maps.count(path_) > 0; }
  // A nil slice or map of a typed struct (JSON null): its length is 0.
  bool is_nil_collection() const {
    return p_ && p_->is_null() && types_ && (types_->slices.count(path_) > 0 || types_->maps.count(path_) > 0);
  }
  static std::string join(const std::string &path, const std::string &key) {
    return path.empty() ? key : path + "." + key;
  }

private:
  Value child(const json &elem, const std::string &key) const {
    Value v;
    v.p_ = std::shared_ptr<const json>(p_, &elem);
    if (types_) {
      v.types_ = types_;
      v.path_ = join(path_, key);
    }
    return v;
  }

  std::shared_ptr<const json> p_;
  const Types *types_ = nullptr;
  std::string path_;
};

// Go's template truth: false, 0, "", nil, empty array/object and no value
// are false.
inline bool truth(const Value &v) {
  if (!v.valid())
    return false;
  const json &j = *v;
  switch (j.type()) {
  case json::value_t::boolean: return j.get<bool>();
  case json::value_t::number_integer: return j.get<int64_t>() != 0;
  case json::value_t::number_unsigned: return j.get<uint64_t>() != 0;
  case json::value_t::number_float: return j.get<double>() != 0;
  case json::value_t::string: return !j.get_ref<const std::string &>().empty();
  case json::value_t::array:
  case json::value_t::object: return !j.empty();
  default: return false;
  }
}

inline bool is_int(const json &j) {
  return j.is_number_integer(); // signed or unsigned
}

// The Go type a value would have in docker's structs, for error messages.
inline std::string type_name(const json &j) {
  switch (j.type()) {
  case json::value_t::boolean: return "bool";
  case json::value_t::number_integer:
  case json::value_t::number_unsigned: return "int";
  case json::value_t::number_float: return "float64";
  case json::value_t::string: return "string";
  case json::value_t::array: return "[]interface {}";
  case json::value_t::object: return "map[string]interface {}";
  default: return "interface {}";
  }
}

} // namespace skiff::gotmpl::detail
