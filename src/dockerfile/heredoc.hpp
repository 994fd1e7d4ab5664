// Which words of an instruction open here-documents, as BuildKit's parser
// finds them (parser.go heredocsFromLine/ParseHeredoc, with its shell
// lexer's word splitting: quotes kept, nothing expanded).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "skiff/dockerfile/dockerfile.hpp"

namespace skiff::dockerfile {

// `word` as a heredoc opener (`<<EOF`, `<<-'EOF'`, `3<<EOF`, `<< EOF`):
// its name, expand and chomp (content empty); none when it is not one; an
// error when its delimiter does not lex ("<<'EOF").
Result<std::optional<Heredoc>> parse_heredoc_word(std::string_view word);

// The heredocs a whole instruction line opens, in order.
Result<std::vector<Heredoc>> heredocs_from_line(std::string_view line);

// `<<-`: leading tabs removed from every line.
std::string chomp_heredoc(std::string_view content);

} // namespace skiff::dockerfile
