// A port of BuildKit's shellWord (frontend/dockerfile/shell/lex.go), the
// engine behind expand.hpp.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runes.hpp"
#include "skiff/dockerfile/expand.hpp"

namespace skiff::dockerfile::detail {

struct Expanded {
  std::string result;              // ProcessWord's string
  std::vector<std::string> words;  // ProcessWords' split
};

class ExpandLexer {
public:
  // `skip_quotes`: quotes are plain characters (BuildKit's
  // SkipProcessQuotes, for here-document contents). `names`, when given,
  // collects every name looked up.
  ExpandLexer(std::string_view src, const Lookup &env, char escape, bool skip_quotes,
              std::set<std::string> *names);
  // The error is "failed to process \"WORD\": REASON", as BuildKit words it.
  Result<Expanded> run();

private:
  Result<Expanded> process_until(char32_t stop, bool raw_escapes);
  Result<std::string> single_quote();
  Result<std::string> double_quote();
  Result<std::string> dollar();
  Result<std::string> modifier(const std::string &name, char32_t ch, std::string chs,
                               bool null_is_unset);
  Result<std::string> replacement(const std::string &name);
  std::string possible_heredoc();
  std::string read_name();
  std::optional<std::string> get(const std::string &name);

  std::string_view src_;
  RuneScanner sc_;
  const Lookup &env_;
  char32_t escape_;
  bool skip_quotes_;
  std::set<std::string> *names_;
  bool raw_escapes_ = false;
  // BuildKit shares one buffer for the word being built across nested
  // ${...} words; kept shared here so ProcessWords splits the same way.
  std::string word_buf_;
};

} // namespace skiff::dockerfile::detail
