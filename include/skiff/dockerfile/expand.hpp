// Variable expansion in Dockerfile words exactly as BuildKit's shell lexer
// (frontend/dockerfile/shell/lex.go) does it: $VAR, ${VAR}, ${VAR:-word},
// ${VAR-word}, ${VAR:+word}, ${VAR+word}, ${VAR:?msg}, ${VAR?msg},
// ${VAR#pat}, ${VAR##pat}, ${VAR%pat}, ${VAR%%pat}, ${VAR/pat/repl},
// ${VAR//pat/repl}, quotes and the escape character. Pure.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::dockerfile {

// The variables in scope: none when the name is not set (unset and empty
// differ for `-` and `:-`).
using Lookup = std::function<std::optional<std::string>(std::string_view name)>;

// One word, quotes removed (ENV and LABEL values, WORKDIR, USER, FROM, ...).
Result<std::string> expand_word(std::string_view word, const Lookup &env, char escape = '\\');

// Several words split on unquoted blanks after expansion, as BuildKit's
// ProcessWords does for COPY/ADD sources, EXPOSE and VOLUME in shell form.
Result<std::vector<std::string>> expand_words(std::string_view text, const Lookup &env,
                                              char escape = '\\');

// A here-document's content as COPY/ADD expand it (when its delimiter was
// not quoted): quotes are plain text and the escape is always '\'
// (BuildKit's SkipProcessQuotes lexer).
Result<std::string> expand_heredoc(std::string_view content, const Lookup &env);

// The names a word refers to ($A and ${B:-x} give A and B), for the cache
// key: which build args an instruction uses. Sorted, each once; names
// inside an unused default (${A:-$B}) count, as BuildKit looks them up too.
std::vector<std::string> referenced_names(std::string_view word, char escape = '\\');

} // namespace skiff::dockerfile
