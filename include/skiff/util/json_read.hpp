// Reading JSON that comes from outside the code that reads it (an archive,
// a registry, the store's own files) by type, without exceptions. Every
// value is checked against the type its reader asks for; the first
// mismatch becomes one error naming the document and the field:
//
//   manifest.json: [0].Layers[0]: expected a string, got a number
//
// A reader asks for every field it wants (a field of the wrong type reads
// as empty) and checks the document's status once at the end. JSON null
// counts as absent, as in Go's encoding/json, which Docker's readers use.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/util/result.hpp"

namespace skiff {

class JsonField;

// A parsed document, the name of where it came from, and the first
// problem its readers found. Fields point into it: they must not outlive it.
class JsonDoc {
public:
  // Deeper nesting is refused: nothing skiff reads comes close, and
  // copying or printing a value recurses once per level.
  static constexpr int kMaxDepth = 512;

  // Parses `text`; what is not JSON is an error naming `source` and the
  // place: "index.json: not valid JSON at line 1, column 5". Errors carry
  // `code`: Errc::invalid for input, Errc::failed for the store's own
  // files, which are damaged rather than wrong.
  static Result<JsonDoc> parse(std::string_view text, std::string source,
                               Errc code = Errc::invalid);
  // A value parsed elsewhere, to be read by type all the same.
  JsonDoc(nlohmann::json value, std::string source, Errc code = Errc::invalid);

  // The whole document; null is a type error, not an absent value.
  JsonField root();
  // Ok, or the first problem found: "SOURCE: PATH: what".
  Status status() const;

  // Defined in json_read.cpp, so that this header needs only json_fwd.hpp.
  struct State;
  JsonDoc(JsonDoc &&) noexcept;
  JsonDoc &operator=(JsonDoc &&) noexcept;
  ~JsonDoc();

private:
  std::unique_ptr<State> s_;  // fields point here; moving the doc keeps it
};

// One value of a JsonDoc and where it is ("[0].config.Env[2]").
class JsonField {
public:
  // Neither absent nor null.
  bool present() const;
  const std::string &path() const { return path_; }
  // "a string", "an array", ... for messages ("absent" when absent).
  std::string_view type_name() const;
  // The value as parsed (null when absent), for values kept verbatim.
  const nlohmann::json &raw() const;

  // The same field, which must be present: absent is "missing" and null
  // a type error.
  JsonField required() const;

  // Member `key` of this object. Absent when this is absent; when this is
  // not an object, that is the problem recorded.
  JsonField operator[](std::string_view key) const;
  // The elements of this array (none when absent).
  std::vector<JsonField> elements() const;
  // The members of this object (none when absent), in key order.
  std::vector<std::pair<std::string, JsonField>> members() const;

  // This value as a given type; absent, or of another type, yields the
  // empty value (the latter also records the problem).
  std::string as_string() const;
  bool as_bool() const;
  double as_number() const;
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  T as_int() const {
    if constexpr (std::is_signed_v<T>)
      return static_cast<T>(signed_in(std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
    else
      return static_cast<T>(unsigned_to(std::numeric_limits<T>::max()));
  }
  // An array of strings; an object with string values; an object's keys
  // (its values unread).
  std::vector<std::string> as_strings() const;
  std::map<std::string, std::string> as_string_map() const;
  std::vector<std::string> keys() const;
  // A string of the form "sha256:<64 lowercase hex>".
  std::string as_digest() const;

  // Records a problem that the value's type does not show: "PATH: what".
  void fail(std::string_view what) const;

private:
  friend class JsonDoc;
  JsonField(JsonDoc::State *doc, const nlohmann::json *v, std::string path, bool required)
      : doc_(doc), v_(v), path_(std::move(path)), required_(required) {}
  // Whether the value can be read as `type` (checked by `ok`); records
  // the problem when it cannot and must.
  template <typename Check> bool is(Check ok, std::string_view type) const;
  int64_t signed_in(int64_t lo, int64_t hi) const;
  uint64_t unsigned_to(uint64_t hi) const;

  JsonDoc::State *doc_;
  const nlohmann::json *v_;  // null pointer: absent
  std::string path_;
  bool required_;
};

} // namespace skiff
