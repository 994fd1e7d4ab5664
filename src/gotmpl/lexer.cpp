// Lexer for Go templates, following text/template/parse/lex.go state by
// state so that token boundaries and error messages match Go's.
#include "lexer.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "fmt.hpp"

namespace skiff::gotmpl::detail {

namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr std::string_view kSpaceChars = " \t\r\n";
constexpr size_t kTrimMarkerLen = 2; // '-' plus the space next to it
constexpr char32_t kEof = static_cast<char32_t>(-1);

// "." is a keyword too, but field_or_variable emits it.
constexpr std::array<std::pair<std::string_view, Tok>, 11> kKeywords{{
    {"block", Tok::block},
    {"break", Tok::break_},
    {"continue", Tok::continue_},
    {"define", Tok::define},
    {"else", Tok::else_},
    {"end", Tok::end},
    {"if", Tok::if_},
    {"range", Tok::range},
    {"nil", Tok::nil},
    {"template", Tok::template_},
    {"with", Tok::with},
}};

bool is_space(char32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

// Go uses unicode.IsLetter/IsDigit; every non-ASCII rune counts as a letter
// here, which only differs for exotic punctuation inside actions.
bool is_alnum(char32_t r) {
  if (r == kEof)
    return false;
  return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
         r >= 0x80;
}

bool has_left_trim_marker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && is_space(s[1]);
}

bool has_right_trim_marker(std::string_view s) {
  return s.size() >= 2 && is_space(s[0]) && s[1] == '-';
}

// Go's %#U: "U+0041 'A'".
std::string sharp_u(char32_t r) {
  std::string s = fmt::format("U+{:04X}", static_cast<uint32_t>(r));
  if (r >= 0x20 && r != 0x7f && r != 0xfffd) {
    s += " '";
    append_rune(s, r);
    s += "'";
  }
  return s;
}

class Lexer {
public:
  explicit Lexer(std::string_view in) : in_(in) {}

  std::vector<Token> run() {
    while (inside_ ? inside_action() : text()) {
    }
    return std::move(toks_);
  }

private:
  std::string_view rest(size_t at) const {
    return at <= in_.size() ? in_.substr(at) : std::string_view{};
  }

  char32_t next() {
    if (pos_ >= in_.size()) {
      width_ = 0;
      return kEof;
    }
    char32_t r = decode_rune(in_, pos_, &width_);
    pos_ += width_;
    return r;
  }
  void backup() { pos_ -= width_; }
  char32_t peek() {
    char32_t r = next();
    backup();
    return r;
  }
  bool accept(std::string_view valid) {
    char32_t r = next();
    if (r != kEof && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos)
      return true;
    backup();
    return false;
  }
  void accept_run(std::string_view valid) {
    while (accept(valid)) {
    }
  }

  // Tokens start at increasing offsets, so lines are counted incrementally.
  int line_at(size_t pos) {
    if (pos < line_pos_)
      line_pos_ = 0, line_ = 1;
    line_ += static_cast<int>(std::count(in_.begin() + static_cast<long>(line_pos_),
                                         in_.begin() + static_cast<long>(pos), '\n'));
    line_pos_ = pos;
    return line_;
  }

  bool emit(Tok t) {
    toks_.push_back(
        Token{t, start_, std::string(in_.substr(start_, pos_ - start_)), line_at(start_)});
    start_ = pos_;
    return true;
  }
  // Ends lexing with an error token.
  bool error(std::string msg) {
    toks_.push_back(Token{Tok::error, start_, std::move(msg), line_at(start_)});
    return false;
  }

  std::pair<bool, bool> at_right_delim() const {
    if (has_right_trim_marker(rest(pos_)) && rest(pos_ + kTrimMarkerLen).starts_with(kRightDelim))
      return {true, true};
    return {rest(pos_).starts_with(kRightDelim), false};
  }

  bool at_terminator() {
    char32_t r = peek();
    if (is_space(r))
      return true;
    switch (r) {
    case kEof:
    case '.':
    case ',':
    case '|':
    case ':':
    case ')':
    case '(': return true;
    default: return rest(pos_).starts_with(kRightDelim);
    }
  }

  // Text up to the next "{{", trimming trailing space before "{{- ".
  bool text() {
    size_t x = in_.find(kLeftDelim, pos_);
    if (x == std::string_view::npos) {
      pos_ = in_.size();
      if (pos_ > start_)
        emit(Tok::text);
      emit(Tok::eof);
      return false;
    }
    if (x > pos_) {
      size_t end = x;
      if (has_left_trim_marker(rest(x + kLeftDelim.size()))) {
        while (end > start_ && kSpaceChars.find(in_[end - 1]) != std::string_view::npos)
          --end;
      }
      pos_ = end;
      if (pos_ > start_)
        emit(Tok::text);
      pos_ = start_ = x;
    }
    return left_delim();
  }

  bool left_delim() {
    pos_ += kLeftDelim.size();
    size_t after_marker = has_left_trim_marker(rest(pos_)) ? kTrimMarkerLen : 0;
    if (rest(pos_ + after_marker).starts_with(kLeftComment)) {
      pos_ += after_marker;
      start_ = pos_;
      return comment();
    }
    emit(Tok::left_delim);
    inside_ = true;
    pos_ += after_marker;
    start_ = pos_;
    paren_depth_ = 0;
    return true;
  }

  bool comment() {
    pos_ += kLeftComment.size();
    size_t x = in_.find(kRightComment, pos_);
    if (x == std::string_view::npos)
      return error("unclosed comment");
    pos_ = x + kRightComment.size();
    auto [delim, trim] = at_right_delim();
    if (!delim)
      return error("comment ends before closing delimiter");
    if (trim)
      pos_ += kTrimMarkerLen;
    pos_ += kRightDelim.size();
    if (trim)
      skip_leading_space();
    start_ = pos_;
    return true;
  }

  void skip_leading_space() {
    while (pos_ < in_.size() && kSpaceChars.find(in_[pos_]) != std::string_view::npos)
      ++pos_;
  }

  bool right_delim() {
    bool trim = at_right_delim().second;
    if (trim) {
      pos_ += kTrimMarkerLen;
      start_ = pos_;
    }
    pos_ += kRightDelim.size();
    emit(Tok::right_delim);
    if (trim) {
      skip_leading_space();
      start_ = pos_;
    }
    inside_ = false;
    return true;
  }

  bool inside_action() {
    if (at_right_delim().first) {
      if (paren_depth_ == 0)
        return right_delim();
      return error("unclosed left paren");
    }
    char32_t r = next();
    if (r == kEof)
      return error("unclosed action");
    if (is_space(r)) {
      backup(); // the space may start " -}}"
      return space();
    }
    switch (r) {
    case '=': return emit(Tok::assign);
    case ':':
      if (next() != '=')
        return error("expected :=");
      return emit(Tok::declare);
    case '|': return emit(Tok::pipe);
    case '"': return quote('"', Tok::string, "unterminated quoted string");
    case '`': return raw_quote();
    case '\'': return quote('\'', Tok::char_constant, "unterminated character constant");
    case '$':
      if (at_terminator())
        return emit(Tok::variable);
      return field_or_variable(Tok::variable);
    case '(': ++paren_depth_; return emit(Tok::left_paren);
    case ')':
      if (--paren_depth_ < 0)
        return error("unexpected right paren");
      return emit(Tok::right_paren);
    default: break;
    }
    if (r == '.' && pos_ < in_.size() && (in_[pos_] < '0' || in_[pos_] > '9'))
      return field_or_variable(Tok::field);
    if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      backup();
      return number();
    }
    if (is_alnum(r)) {
      backup();
      return identifier();
    }
    if (r < 0x7f && r >= 0x20)
      return emit(Tok::chr);
    return error("unrecognized character in action: " + sharp_u(r));
  }

  // A run of spaces; a lone space before "-}}" belongs to the delimiter.
  bool space() {
    int n = 0;
    while (is_space(peek())) {
      next();
      ++n;
    }
    if (has_right_trim_marker(rest(pos_ - 1)) &&
        rest(pos_ - 1 + kTrimMarkerLen).starts_with(kRightDelim)) {
      --pos_;
      if (n == 1)
        return right_delim();
    }
    return emit(Tok::space);
  }

  bool identifier() {
    char32_t r;
    while (is_alnum(r = next())) {
    }
    backup();
    std::string_view word = in_.substr(start_, pos_ - start_);
    if (!at_terminator())
      return error("bad character " + sharp_u(r));
    for (const auto &[kw, tok] : kKeywords)
      if (kw == word)
        return emit(tok);
    if (word == "true" || word == "false")
      return emit(Tok::boolean);
    return emit(Tok::identifier);
  }

  bool field_or_variable(Tok typ) {
    if (at_terminator())
      return emit(typ == Tok::variable ? Tok::variable : Tok::dot);
    char32_t r;
    while (is_alnum(r = next())) {
    }
    backup();
    if (!at_terminator())
      return error("bad character " + sharp_u(r));
    return emit(typ);
  }

  bool quote(char32_t close, Tok typ, const char *unterminated) {
    for (;;) {
      char32_t r = next();
      if (r == '\\') {
        r = next();
        if (r != kEof && r != '\n')
          continue;
        return error(unterminated);
      }
      if (r == kEof || r == '\n')
        return error(unterminated);
      if (r == close)
        return emit(typ);
    }
  }

  bool raw_quote() {
    for (;;) {
      char32_t r = next();
      if (r == kEof)
        return error("unterminated raw quoted string");
      if (r == '`')
        return emit(Tok::raw_string);
    }
  }

  bool number() {
    if (!scan_number())
      return error("bad number syntax: " + go_quote(in_.substr(start_, pos_ - start_)));
    char32_t sign = peek();
    if (sign == '+' || sign == '-') {
      if (!scan_number() || in_[pos_ - 1] != 'i')
        return error("bad number syntax: " + go_quote(in_.substr(start_, pos_ - start_)));
      return emit(Tok::complex);
    }
    return emit(Tok::number);
  }

  bool scan_number() {
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX"))
        digits = "0123456789abcdefABCDEF_";
      else if (accept("oO"))
        digits = "01234567_";
      else if (accept("bB"))
        digits = "01_";
    }
    accept_run(digits);
    if (accept("."))
      accept_run(digits);
    if (digits.size() == 11 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 23 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (is_alnum(peek())) {
      next();
      return false;
    }
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t width_ = 0;
  size_t line_pos_ = 0; // line_ is the line of this offset
  int line_ = 1;
  int paren_depth_ = 0;
  bool inside_ = false;
  std::vector<Token> toks_;
};

} // namespace

std::vector<Token> lex(std::string_view input) { return Lexer(input).run(); }

std::string token_str(const Token &t) {
  if (t.type == Tok::eof)
    return "EOF";
  if (t.type == Tok::error)
    return t.val;
  if (t.type > Tok::keyword)
    return "<" + t.val + ">";
  // Go's %.10q: at most ten runes, quoted, then "...".
  size_t i = 0, runes = 0, w = 0;
  while (i < t.val.size() && runes < 10) {
    decode_rune(t.val, i, &w);
    i += w;
    ++runes;
  }
  if (i < t.val.size())
    return go_quote(std::string_view(t.val).substr(0, i)) + "...";
  return go_quote(t.val);
}

} // namespace skiff::gotmpl::detail
