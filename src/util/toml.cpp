#include "skiff/util/toml.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include <nlohmann/json.hpp>

namespace skiff::toml {

using nlohmann::json;

namespace {

void append_utf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool bare_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

class Parser {
public:
  explicit Parser(std::string_view text) : s_(text) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF")
      i_ = 3;
  }

  Result<json> document() {
    for (;;) {
      skip_space_and_lines();
      if (eof())
        return std::move(root_);
      if (peek() == '[') {
        TRY_STATUS(header());
      } else {
        TRY_STATUS(key_value(*table_));
        TRY_STATUS(end_of_line());
      }
    }
  }

private:
  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  json root_ = json::object();
  json *table_ = &root_;  // where the current [header] puts its keys

  bool eof() const { return i_ >= s_.size(); }
  char peek(size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
  bool at(std::string_view w) const { return s_.substr(i_, w.size()) == w; }

  template <typename... A> Error err(fmt::format_string<A...> f, A &&...args) const {
    return make_error(Errc::invalid, "line {}: {}", line_, fmt::format(f, std::forward<A>(args)...));
  }

  void skip_blank() {
    while (peek() == ' ' || peek() == '\t')
      i_++;
  }
  void skip_comment() {
    if (peek() == '#')
      while (!eof() && peek() != '\n')
        i_++;
  }
  bool newline() {
    if (peek() == '\n' || at("\r\n")) {
      i_ += peek() == '\n' ? 1 : 2;
      line_++;
      return true;
    }
    return false;
  }
  // Blanks, comments and line ends: between lines, and inside arrays.
  void skip_space_and_lines() {
    for (;;) {
      skip_blank();
      skip_comment();
      if (!newline())
        return;
    }
  }
  Status end_of_line() {
    skip_blank();
    skip_comment();
    if (eof() || newline())
      return {};
    return err("unexpected '{}' after a value", peek());
  }

  // The table `path[0..n)` below `from`, made when missing; for an array
  // of tables, its last table.
  Result<json *> descend(json &from, const std::vector<std::string> &path, size_t n) {
    json *t = &from;
    for (size_t k = 0; k < n; k++) {
      json &next = (*t)[path[k]];
      if (next.is_null())
        next = json::object();
      if (next.is_array() && !next.empty() && next.back().is_object())
        t = &next.back();
      else if (next.is_object())
        t = &next;
      else
        return err("\"{}\" is a value, not a table", path[k]);
    }
    return t;
  }

  Result<std::vector<std::string>> key() {
    std::vector<std::string> parts;
    for (;;) {
      skip_blank();
      if (peek() == '"') {
        parts.push_back(TRY(basic_string()));
      } else if (peek() == '\'') {
        parts.push_back(TRY(literal_string()));
      } else {
        size_t begin = i_;
        while (bare_key_char(peek()))
          i_++;
        if (begin == i_)
          return err("{}", eof() ? std::string("expected a key") : fmt::format("expected a key, not '{}'", peek()));
        parts.emplace_back(s_.substr(begin, i_ - begin));
      }
      skip_blank();
      if (peek() != '.')
        return parts;
      i_++;
    }
  }

  Status header() {
    bool array = at("[[");
    i_ += array ? 2 : 1;
    auto path = TRY(key());
    if (array ? !at("]]") : peek() != ']')
      return err("expected '{}' to close the table header", array ? "]]" : "]");
    i_ += array ? 2 : 1;
    json *parent = TRY(descend(root_, path, path.size() - 1));
    json &slot = (*parent)[path.back()];
    if (array) {
      if (slot.is_null())
        slot = json::array();
      if (!slot.is_array())
        return err("\"{}\" is not an array of tables", path.back());
      slot.push_back(json::object());
      table_ = &slot.back();
    } else {
      if (slot.is_null())
        slot = json::object();
      if (!slot.is_object())
        return err("\"{}\" is a value, not a table", path.back());
      table_ = &slot;
    }
    return end_of_line();
  }

  Status key_value(json &table) {
    auto path = TRY(key());
    if (peek() != '=')
      return err("expected '=' after key \"{}\"", path.back());
    i_++;
    skip_blank();
    json v = TRY(value());
    json *t = TRY(descend(table, path, path.size() - 1));
    if (t->contains(path.back()))
      return err("key \"{}\" is defined twice", path.back());
    (*t)[path.back()] = std::move(v);
    return {};
  }

  Result<json> value() {
    if (at("\"\"\""))
      return json(TRY(multiline_string(true)));
    if (peek() == '"')
      return json(TRY(basic_string()));
    if (at("'''"))
      return json(TRY(multiline_string(false)));
    if (peek() == '\'')
      return json(TRY(literal_string()));
    if (peek() == '[')
      return array();
    if (peek() == '{')
      return inline_table();
    return scalar();
  }

  Status escape(std::string &out) {
    char c = peek(1);
    i_ += 2;
    switch (c) {
    case 'b': out += '\b'; return {};
    case 't': out += '\t'; return {};
    case 'n': out += '\n'; return {};
    case 'f': out += '\f'; return {};
    case 'r': out += '\r'; return {};
    case 'e': out += '\x1b'; return {};
    case '"': out += '"'; return {};
    case '\\': out += '\\'; return {};
    case 'u':
    case 'U': {
      size_t n = c == 'u' ? 4 : 8;
      uint32_t cp = 0;
      auto hex = s_.substr(i_, n);
      auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
      if (hex.size() != n || ec != std::errc() || end != hex.data() + n || cp > 0x10FFFF ||
          (cp >= 0xD800 && cp <= 0xDFFF))
        return err("bad \\{} escape in a string", c);
      i_ += n;
      append_utf8(out, cp);
      return {};
    }
    default:
      return err("unknown escape \\{} in a string", c);
    }
  }

  Result<std::string> basic_string() {
    i_++;
    std::string out;
    for (;;) {
      if (eof() || peek() == '\n')
        return err("unterminated string");
      if (peek() == '"') {
        i_++;
        return out;
      }
      if (peek() == '\\')
        TRY_STATUS(escape(out));
      else
        out += s_[i_++];
    }
  }

  Result<std::string> literal_string() {
    i_++;
    size_t begin = i_;
    while (!eof() && peek() != '\'' && peek() != '\n')
      i_++;
    if (peek() != '\'')
      return err("unterminated string");
    return std::string(s_.substr(begin, i_++ - begin));
  }

  // """...""" (escapes) or '''...''' (none); a line end right after the
  // opening quotes is dropped.
  Result<std::string> multiline_string(bool basic) {
    std::string_view delim = basic ? "\"\"\"" : "'''";
    i_ += 3;
    newline();
    std::string out;
    for (;;) {
      if (eof())
        return err("unterminated multi-line string");
      if (at(delim)) {
        i_ += 3;
        // Up to two quotes just before the closing ones are content.
        for (int k = 0; k < 2 && peek() == delim[0]; k++)
          out += s_[i_++];
        return out;
      }
      if (basic && peek() == '\\') {
        size_t j = i_ + 1;
        while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t'))
          j++;
        if (j < s_.size() && (s_[j] == '\n' || s_[j] == '\r')) {
          // A backslash ending a line joins it to the next text.
          i_ = j;
          for (;;) {
            if (peek() == ' ' || peek() == '\t')
              i_++;
            else if (!newline())
              break;
          }
          continue;
        }
        TRY_STATUS(escape(out));
        continue;
      }
      if (peek() == '\n')
        line_++;
      out += s_[i_++];
    }
  }

  Result<json> array() {
    i_++;
    json a = json::array();
    for (;;) {
      skip_space_and_lines();
      if (peek() == ']') {
        i_++;
        return a;
      }
      a.push_back(TRY(value()));
      skip_space_and_lines();
      if (peek() == ',') {
        i_++;
        continue;
      }
      if (peek() == ']') {
        i_++;
        return a;
      }
      return err("expected ',' or ']' in an array");
    }
  }

  Result<json> inline_table() {
    i_++;
    json t = json::object();
    skip_blank();
    if (peek() == '}') {
      i_++;
      return t;
    }
    for (;;) {
      TRY_STATUS(key_value(t));
      skip_blank();
      if (peek() == ',') {
        i_++;
        continue;
      }
      if (peek() == '}') {
        i_++;
        return t;
      }
      return err("expected ',' or '}}' in an inline table");
    }
  }

  // true, false, integers and floats; dates and times are refused.
  Result<json> scalar() {
    size_t begin = i_;
    while (!eof() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_' || peek() == '+' ||
                      peek() == '-' || peek() == '.' || peek() == ':'))
      i_++;
    std::string_view tok = s_.substr(begin, i_ - begin);
    if (tok.empty())
      return err("{}", eof() ? std::string("expected a value") : fmt::format("expected a value, not '{}'", peek()));
    if (tok == "true" || tok == "false")
      return json(tok == "true");
    std::string_view body = tok;
    bool negative = false;
    if (body[0] == '+' || body[0] == '-') {
      negative = body[0] == '-';
      body.remove_prefix(1);
    }
    if (body == "inf" || body == "nan")
      return json(body == "inf" ? (negative ? -HUGE_VAL : HUGE_VAL) : std::nan(""));
    if (tok.find(':') != std::string_view::npos ||
        (tok.size() >= 5 && std::isdigit(static_cast<unsigned char>(tok[0])) && tok[4] == '-'))
      return err("dates and times are not supported (\"{}\")", tok);
    std::string digits;
    for (size_t k = 0; k < body.size(); k++) {
      if (body[k] != '_') {
        digits += body[k];
        continue;
      }
      // An underscore sits between two digits.
      if (k == 0 || k + 1 == body.size() || !std::isxdigit(static_cast<unsigned char>(body[k - 1])) ||
          !std::isxdigit(static_cast<unsigned char>(body[k + 1])))
        return err("bad number \"{}\"", tok);
    }
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o' || digits[1] == 'b')) {
      base = digits[1] == 'x' ? 16 : digits[1] == 'o' ? 8 : 2;
      digits.erase(0, 2);
    }
    bool is_float = base == 10 && digits.find_first_of(".eE") != std::string::npos;
    if (is_float) {
      char *end = nullptr;
      double d = std::strtod(digits.c_str(), &end);
      if (digits.empty() || !std::isdigit(static_cast<unsigned char>(digits[0])) || *end != '\0')
        return err("bad number \"{}\"", tok);
      return json(negative ? -d : d);
    }
    int64_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n, base);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        (base == 10 && digits.size() > 1 && digits[0] == '0'))
      return err("bad value \"{}\"", tok);
    return json(negative ? -n : n);
  }
};

} // namespace

Result<json> parse(std::string_view text) { return Parser(text).document(); }

} // namespace skiff::toml
