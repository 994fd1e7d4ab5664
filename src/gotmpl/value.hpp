// The values a template computes with: JSON nodes, plus Go's "no value".
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace skiff::gotmpl::detail {

using nlohmann::json;

// A JSON node, or nothing: Go's invalid reflect.Value, which is what a
// missing map key yields and what prints as "<no value>". Nodes of the data
// are borrowed, not copied; computed values own their JSON. A child keeps
// its parent's owner alive through shared_ptr aliasing.
class Value {
public:
  Value() = default;
  static Value own(json j) {
    Value v;
    v.p_ = std::make_shared<const json>(std::move(j));
    return v;
  }
  // The caller keeps `j` alive for as long as the Value is used.
  static Value borrow(const json &j) {
    Value v;
    v.p_ = std::shared_ptr<const json>(std::shared_ptr<const json>(), &j);
    return v;
  }
  // `elem` must live inside this value's JSON.
  Value child(const json &elem) const {
    Value v;
    v.p_ = std::shared_ptr<const json>(p_, &elem);
    return v;
  }
  bool valid() const { return p_ != nullptr; }
  const json &operator*() const { return *p_; }
  const json *operator->() const { return p_.get(); }

private:
  std::shared_ptr<const json> p_;
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
