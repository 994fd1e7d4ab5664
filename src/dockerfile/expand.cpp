#include "skiff/dockerfile/expand.hpp"

#include <set>

#include "expand_lexer.hpp"

namespace skiff::dockerfile {

Result<std::string> expand_word(std::string_view word, const Lookup &env, char escape) {
  detail::ExpandLexer lex(word, env, escape, false, nullptr);
  return TRY(lex.run()).result;
}

Result<std::vector<std::string>> expand_words(std::string_view text, const Lookup &env,
                                              char escape) {
  detail::ExpandLexer lex(text, env, escape, false, nullptr);
  return TRY(lex.run()).words;
}

Result<std::string> expand_heredoc(std::string_view content, const Lookup &env) {
  detail::ExpandLexer lex(content, env, '\\', true, nullptr);
  return TRY(lex.run()).result;
}

std::vector<std::string> referenced_names(std::string_view word, char escape) {
  // Every name is looked up whatever the values, so any value will do; a
  // non-empty one keeps ${A:?} from stopping the scan before later names.
  // A word that fails to expand fails the instruction anyway: the names
  // read up to its error are returned.
  std::set<std::string> names;
  Lookup any = [](std::string_view) { return std::optional<std::string>("x"); };
  detail::ExpandLexer lex(word, any, escape, false, &names);
  (void)lex.run();
  names.erase("");
  return {names.begin(), names.end()};
}

} // namespace skiff::dockerfile
