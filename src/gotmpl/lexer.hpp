// Tokens of Go's text/template language (a port of text/template/parse/lex.go).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::gotmpl::detail {

enum class Tok {
  error, // val holds the message; always the last token
  boolean,
  chr, // a printable ASCII character inside an action, e.g. ','
  char_constant,
  complex,
  assign,  // =
  declare, // :=
  eof,
  field,      // .Name
  identifier, // a function name
  left_delim,
  left_paren,
  number,
  pipe,
  raw_string,
  right_delim,
  right_paren,
  space,
  string,
  text,
  variable, // $ or $name
  // Keywords follow; Go prints them as <val> in errors.
  keyword,
  block,
  break_,
  continue_,
  dot,
  define,
  else_,
  end,
  if_,
  nil,
  range,
  template_,
  with,
};

struct Token {
  Tok type;
  size_t pos; // byte offset in the input
  std::string val;
  int line;
};

// Lexes the whole input; the result ends with an eof or an error token.
std::vector<Token> lex(std::string_view input);

// Go's item.String(), as quoted in "unexpected ..." errors.
std::string token_str(const Token &t);

// Decodes one UTF-8 rune at s[i]; invalid bytes decode as U+FFFD of width 1.
char32_t decode_rune(std::string_view s, size_t i, size_t *width);
void append_rune(std::string &out, char32_t r);

} // namespace skiff::gotmpl::detail
