#include "expand_lexer.hpp"

#include "shell_pattern.hpp"

namespace skiff::dockerfile::detail {
namespace {

Error fail(std::string why) { return Error{Errc::invalid, std::move(why), kExitRuntime}; }

std::string rune_str(char32_t r) {
  std::string s;
  append_rune(s, r);  // Go's string(rune): EOF (-1) prints as U+FFFD
  return s;
}

Error unsupported(const std::string &chs) {
  return fail("unsupported modifier (" + chs + ") in substitution");
}

// wordsStruct: splits on unquoted blanks; quoted and escaped text joins
// the current word even when blank.
struct Words {
  std::string *buf;
  std::vector<std::string> words;
  bool in_word = false;

  void add_char(char32_t ch) {
    if (is_space(ch)) {
      if (in_word && !buf->empty()) {
        words.push_back(std::move(*buf));
        buf->clear();
        in_word = false;
      }
      return;
    }
    add_raw_char(ch);
  }
  void add_raw_char(char32_t ch) {
    append_rune(*buf, ch);
    in_word = true;
  }
  void add_string(std::string_view s) {
    for (size_t i = 0, w = 0; i < s.size(); i += w)
      add_char(decode_rune(s, i, &w));
  }
  void add_raw_string(std::string_view s) {
    buf->append(s);
    in_word = true;
  }
  std::vector<std::string> take() {
    if (!buf->empty()) {
      words.push_back(std::move(*buf));
      buf->clear();
      in_word = false;
    }
    return std::move(words);
  }
};

// POSIX special parameters, never set in a Dockerfile.
bool is_special_param(char32_t c) {
  switch (c) {
  case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
    return true;
  default:
    return false;
  }
}

} // namespace

ExpandLexer::ExpandLexer(std::string_view src, const Lookup &env, char escape, bool skip_quotes,
                         std::set<std::string> *names)
    : src_(src), sc_(src), env_(env), escape_(static_cast<unsigned char>(escape)),
      skip_quotes_(skip_quotes), names_(names) {}

Result<Expanded> ExpandLexer::run() {
  auto r = process_until(kEof, false);
  if (!r)
    return std::move(r).error().wrap("failed to process " + go_quote(src_));
  return r;
}

// processStopOn: the text up to `stop` (consumed), or to the end.
Result<Expanded> ExpandLexer::process_until(char32_t stop, bool raw_escapes) {
  std::string result;
  word_buf_.clear();
  Words words{&word_buf_};
  bool saved_raw = raw_escapes_;
  raw_escapes_ = raw_escapes;
  struct Restore {
    bool &flag, saved;
    ~Restore() { flag = saved; }
  } restore{raw_escapes_, saved_raw};

  while (sc_.peek() != kEof) {
    char32_t ch = sc_.peek();
    if (stop != kEof && ch == stop) {
      sc_.next();
      return Expanded{result, words.take()};
    }
    bool quote = !skip_quotes_ && (ch == '\'' || ch == '"');
    if (ch == '$' || ch == '<' || quote) {
      std::string tmp = TRY(ch == '$'    ? dollar()
                            : ch == '<'  ? Result<std::string>(possible_heredoc())
                            : ch == '\'' ? single_quote()
                                         : double_quote());
      result += tmp;
      if (ch == '$')
        words.add_string(tmp);  // an expansion splits on its blanks
      else
        words.add_raw_string(tmp);
      continue;
    }
    ch = sc_.next();
    if (ch == escape_) {
      if (raw_escapes_) {
        words.add_raw_char(ch);
        append_rune(result, ch);
      }
      ch = sc_.next();
      if (ch == kEof)
        break;  // a trailing escape is dropped
      words.add_raw_char(ch);
    } else {
      words.add_char(ch);
    }
    append_rune(result, ch);
  }
  if (stop != kEof)
    return fail("unexpected end of statement while looking for matching " + rune_str(stop));
  return Expanded{result, words.take()};
}

// Everything up to the next ' as is; nothing escapes inside.
Result<std::string> ExpandLexer::single_quote() {
  std::string out;
  sc_.next();
  for (char32_t ch = sc_.next(); ch != '\''; ch = sc_.next()) {
    if (ch == kEof)
      return fail("unexpected end of statement while looking for matching single-quote");
    append_rune(out, ch);
  }
  return out;
}

// $ expands inside double quotes; the escape character escapes only
// '"', '$' and itself, and stays otherwise.
Result<std::string> ExpandLexer::double_quote() {
  std::string out;
  sc_.next();
  for (;;) {
    char32_t ch = sc_.peek();
    if (ch == kEof)
      return fail("unexpected end of statement while looking for matching double-quote");
    if (ch == '"') {
      sc_.next();
      return out;
    }
    if (ch == '$') {
      out += TRY(dollar());
      continue;
    }
    ch = sc_.next();
    if (ch == escape_) {
      if (raw_escapes_)
        append_rune(out, ch);
      char32_t after = sc_.peek();
      if (after == kEof)
        continue;  // the loop then reports the missing quote
      if (after == '"' || after == '$' || after == escape_)
        ch = sc_.next();
    }
    append_rune(out, ch);
  }
}

Result<std::string> ExpandLexer::dollar() {
  sc_.next();
  if (sc_.peek() != '{') {
    std::string name = read_name();
    if (name.empty())
      return std::string("$");
    return get(name).value_or("");
  }
  sc_.next();
  switch (sc_.peek()) {
  case kEof: return fail("syntax error: missing '}'");
  case '{': case '}': case ':': return fail("syntax error: bad substitution");
  default: break;
  }
  std::string name = read_name();
  char32_t ch = sc_.next();
  std::string chs = rune_str(ch);
  switch (ch) {
  case '}': return get(name).value_or("");
  case ':':
    // Go falls through to the modifiers with whatever follows the ':'.
    ch = sc_.next();
    chs += rune_str(ch);
    return modifier(name, ch, chs, true);
  case '+': case '-': case '?': case '#': case '%':
    return modifier(name, ch, chs, false);
  case '/': return replacement(name);
  default: return unsupported(chs);
  }
}

// ${NAME-word} ${NAME+word} ${NAME?word} ${NAME#pat} ${NAME%pat} and their
// ':' forms (`null_is_unset`), which # and % do not have.
Result<std::string> ExpandLexer::modifier(const std::string &name, char32_t ch, std::string chs,
                                          bool null_is_unset) {
  bool pattern = ch == '#' || ch == '%';
  if (null_is_unset && pattern)
    return unsupported(chs);
  auto word_r = process_until('}', pattern);
  if (!word_r) {
    if (sc_.peek() == kEof)
      return fail("syntax error: missing '}'");
    return std::move(word_r).error();
  }
  std::string word = std::move(word_r->result);
  auto value = get(name);
  bool empty = !value || (null_is_unset && value->empty());
  switch (ch) {
  case '-': return empty ? word : *value;
  case '+': return empty ? std::string() : word;
  case '?':
    if (!value)
      return fail(name + ": " + (word.empty() ? "is not allowed to be unset" : word));
    if (null_is_unset && value->empty())
      return fail(name + ": " + (word.empty() ? "is not allowed to be empty" : word));
    return *value;
  case '#': case '%': {
    // A doubled ## or %% matches the longest text, a single one the shortest.
    bool greedy = !word.empty() && static_cast<char32_t>(word[0]) == ch;
    std::string_view pat = std::string_view(word).substr(greedy ? 1 : 0);
    std::string v = value.value_or("");
    return ch == '%' ? trim_suffix(pat, v, greedy) : trim_prefix(pat, v, greedy);
  }
  default: return unsupported(chs);
  }
}

// ${NAME/pat/repl} and ${NAME//pat/repl}.
Result<std::string> ExpandLexer::replacement(const std::string &name) {
  bool all = sc_.peek() == '/';
  if (all)
    sc_.next();
  auto pat = process_until('/', true);
  if (!pat) {
    if (sc_.peek() == kEof)
      return fail("syntax error: missing '/' in ${}");
    return std::move(pat).error();
  }
  auto repl = process_until('}', true);
  if (!repl) {
    if (sc_.peek() == kEof)
      return fail("syntax error: missing '}'");
    return std::move(repl).error();
  }
  return replace(pat->result, repl->result, get(name).value_or(""), all);
}

// A name: letters, digits and '_'; or all the digits of a positional
// parameter; or one special parameter character.
std::string ExpandLexer::read_name() {
  std::string name;
  for (char32_t ch = sc_.peek(); ch != kEof; ch = sc_.peek()) {
    if (name.empty() && is_digit(ch)) {
      while (is_digit(sc_.peek()))
        append_rune(name, sc_.next());
      return name;
    }
    if (name.empty() && is_special_param(ch)) {
      append_rune(name, sc_.next());
      return name;
    }
    if (!is_name_rune(ch))
      break;
    append_rune(name, sc_.next());
  }
  return name;
}

// "<<" and the blanks after it stay together in one word, so a heredoc
// marker survives the split.
std::string ExpandLexer::possible_heredoc() {
  sc_.next();
  if (sc_.peek() != '<')
    return "<";
  sc_.next();
  std::string out = "<<";
  for (char32_t ch = sc_.peek(); ch == '\t' || ch == '\r' || ch == ' '; ch = sc_.peek())
    append_rune(out, sc_.next());
  return out;
}

std::optional<std::string> ExpandLexer::get(const std::string &name) {
  if (names_)
    names_->insert(name);
  return env_(name);
}

} // namespace skiff::dockerfile::detail
