#include "skiff/util/json_read.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "skiff/util/digest.hpp"

namespace skiff {

using nlohmann::json;

namespace {

// Where a parse failed: nlohmann reports it to a SAX handler only.
struct ErrorPlace : nlohmann::json_sax<json> {
  size_t position = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t &) override { return true; }
  bool string(string_t &) override { return true; }
  bool binary(binary_t &) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t &) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string &, const nlohmann::detail::exception &) override {
    position = pos;
    return false;
  }
};

std::string where(std::string_view text, size_t position) {
  size_t end = std::min(position > 0 ? position - 1 : 0, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < end; i++) {
    if (text[i] == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return fmt::format("line {}, column {}", line, column);
}

// Names and keys come from the input: they must not break the error line.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else
      out += c;
  return out;
}

bool identifier(std::string_view k) {
  return !k.empty() && !std::isdigit(static_cast<unsigned char>(k[0])) &&
         std::all_of(k.begin(), k.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

std::string member_path(const std::string &parent, std::string_view key) {
  if (identifier(key))
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
  return fmt::format("{}[\"{}\"]", parent, printable(key));
}

std::string_view type_name(const json &v) {
  switch (v.type()) {
  case json::value_t::null: return "null";
  case json::value_t::boolean: return "a boolean";
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
  case json::value_t::number_float: return "a number";
  case json::value_t::string: return "a string";
  case json::value_t::array: return "an array";
  case json::value_t::object: return "an object";
  default: return "something else";
  }
}

const json &null_value() {
  static const json null;
  return null;
}

} // namespace

struct JsonDoc::State {
  json value;
  std::string source;
  std::optional<std::string> problem;
  Errc code;
  void report(const std::string &path, std::string_view what);
};

void JsonDoc::State::report(const std::string &path, std::string_view what) {
  if (!problem)
    problem = path.empty() ? std::string(what) : fmt::format("{}: {}", path, what);
}

// Whether arrays and objects nest deeper than `limit` (brackets in strings
// not counted). A scan first, as the parser's own depth callback makes
// every parse slower by half.
static bool nested_deeper(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit)
        return true;
    } else if (c == '}' || c == ']') {
      depth--;
    }
  }
  return false;
}

Result<JsonDoc> JsonDoc::parse(std::string_view text, std::string source, Errc code) {
  if (nested_deeper(text, kMaxDepth))
    return make_error(code, "{}: nested deeper than {} levels", printable(source), kMaxDepth);
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    ErrorPlace place;
    json::sax_parse(text, &place);
    return make_error(code, "{}: not valid JSON at {}", printable(source), where(text, place.position));
  }
  return JsonDoc(std::move(value), std::move(source), code);
}

JsonDoc::JsonDoc(json value, std::string source, Errc code)
    : s_(std::make_unique<State>(State{std::move(value), printable(source), std::nullopt, code})) {}

JsonDoc::JsonDoc(JsonDoc &&) noexcept = default;
JsonDoc &JsonDoc::operator=(JsonDoc &&) noexcept = default;
JsonDoc::~JsonDoc() = default;

JsonField JsonDoc::root() { return JsonField(s_.get(), &s_->value, "", true); }

Status JsonDoc::status() const {
  if (!s_->problem)
    return {};
  return make_error(s_->code, "{}: {}", s_->source, *s_->problem);
}

bool JsonField::present() const { return v_ && !v_->is_null(); }

std::string_view JsonField::type_name() const { return v_ ? skiff::type_name(*v_) : "absent"; }

const json &JsonField::raw() const { return v_ ? *v_ : null_value(); }

JsonField JsonField::required() const { return JsonField(doc_, v_, path_, true); }

template <typename Check> bool JsonField::is(Check ok, std::string_view type) const {
  if (!present()) {
    if (required_)
      doc_->report(path_, v_ ? fmt::format("expected {}, got null", type) : std::string("missing"));
    return false;
  }
  if (ok(*v_))
    return true;
  doc_->report(path_, fmt::format("expected {}, got {}", type, type_name()));
  return false;
}

JsonField JsonField::operator[](std::string_view key) const {
  std::string path = member_path(path_, key);
  if (!is([](const json &v) { return v.is_object(); }, "an object"))
    return JsonField(doc_, nullptr, std::move(path), false);
  auto it = v_->find(key);
  return JsonField(doc_, it == v_->end() ? nullptr : &*it, std::move(path), false);
}

std::vector<JsonField> JsonField::elements() const {
  std::vector<JsonField> out;
  if (!is([](const json &v) { return v.is_array(); }, "an array"))
    return out;
  out.reserve(v_->size());
  for (size_t i = 0; i < v_->size(); i++)
    out.push_back(JsonField(doc_, &(*v_)[i], fmt::format("{}[{}]", path_, i), false));
  return out;
}

std::vector<std::pair<std::string, JsonField>> JsonField::members() const {
  std::vector<std::pair<std::string, JsonField>> out;
  if (!is([](const json &v) { return v.is_object(); }, "an object"))
    return out;
  for (auto it = v_->begin(); it != v_->end(); ++it)
    out.emplace_back(it.key(), JsonField(doc_, &it.value(), member_path(path_, it.key()), false));
  return out;
}

std::string JsonField::as_string() const {
  if (!is([](const json &v) { return v.is_string(); }, "a string"))
    return {};
  return v_->get_ref<const std::string &>();
}

bool JsonField::as_bool() const {
  return is([](const json &v) { return v.is_boolean(); }, "a boolean") && v_->get<bool>();
}

double JsonField::as_number() const {
  if (!is([](const json &v) { return v.is_number(); }, "a number"))
    return 0;
  return v_->get<double>();
}

int64_t JsonField::signed_in(int64_t lo, int64_t hi) const {
  if (!is([](const json &v) { return v.is_number_integer(); }, "an integer"))
    return 0;
  bool fits = v_->is_number_unsigned() ? v_->get<uint64_t>() <= static_cast<uint64_t>(hi)
                                       : v_->get<int64_t>() >= lo && v_->get<int64_t>() <= hi;
  if (fits)
    return v_->get<int64_t>();
  fail(fmt::format("expected an integer from {} to {}, got {}", lo, hi, v_->dump()));
  return 0;
}

uint64_t JsonField::unsigned_to(uint64_t hi) const {
  if (!is([](const json &v) { return v.is_number_integer(); }, "an integer"))
    return 0;
  if (v_->is_number_unsigned() && v_->get<uint64_t>() <= hi)
    return v_->get<uint64_t>();
  fail(fmt::format("expected an integer from 0 to {}, got {}", hi, v_->dump()));
  return 0;
}

std::vector<std::string> JsonField::as_strings() const {
  std::vector<std::string> out;
  for (const auto &e : elements())
    out.push_back(e.as_string());
  return out;
}

std::map<std::string, std::string> JsonField::as_string_map() const {
  std::map<std::string, std::string> out;
  for (const auto &[k, v] : members())
    out[k] = v.as_string();
  return out;
}

std::vector<std::string> JsonField::keys() const {
  std::vector<std::string> out;
  for (const auto &[k, v] : members())
    out.push_back(k);
  return out;
}

std::string JsonField::as_digest() const {
  std::string s = as_string();
  if (present() && v_->is_string() && !digest_hex(s)) {
    fail("expected a sha256 digest (sha256:<64 hex digits>)");
    return {};
  }
  return s;
}

void JsonField::fail(std::string_view what) const { doc_->report(path_, what); }

} // namespace skiff
