// Tokens of Go's text/template language (a port of text/template/parse/lex.go).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/utf8.hpp"

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

using utf8::decode_rune;
using utf8::append_rune;

} // namespace skiff::gotmpl::detail
