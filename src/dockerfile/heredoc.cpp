#include "heredoc.hpp"

#include <algorithm>
#include <string>

#include "text.hpp"

namespace skiff::dockerfile {

namespace {

using text::kEof;

// Words as BuildKit's shell lexer (shell/lex.go) splits them with an empty
// environment and SkipUnsetEnv: variables stay as written, quotes stay when
// `raw_quotes`, escapes stay when `raw_escapes`. A port, quirks included:
// nested ${...} words share and reset the words buffer as lex.go's do.
class Lexer {
public:
  Lexer(std::string_view src, bool raw_quotes, bool raw_escapes)
      : s_(src), raw_quotes_(raw_quotes), raw_escapes_(raw_escapes) {}

  Result<std::vector<std::string>> words() {
    auto r = stop_on(kEof, raw_escapes_);
    if (!r)
      return make_error(Errc::invalid, "failed to process {}: {}", text::quote(s_),
                        r.error().message);
    return std::move(r->words);
  }

private:
  struct Stop {
    std::string result;
    std::vector<std::string> words;
  };
  struct Words {
    std::string *buf;
    std::vector<std::string> list;
    bool in_word = false;
    void add_raw_char(int ch) {
      text::append_rune(*buf, ch);
      in_word = true;
    }
    void add_char(int ch) {
      if (text::is_space(ch) && in_word) {
        if (!buf->empty()) {
          list.push_back(*buf);
          buf->clear();
          in_word = false;
        }
      } else if (!text::is_space(ch)) {
        add_raw_char(ch);
      }
    }
    void add_string(std::string_view s) {
      for (size_t pos = 0; pos < s.size();) {
        auto r = text::decode(s, pos);
        add_char(r.cp);
        pos += r.len;
      }
    }
    void add_raw_string(std::string_view s) {
      *buf += s;
      in_word = true;
    }
    std::vector<std::string> get() {
      if (!buf->empty()) {
        list.push_back(*buf);
        buf->clear();
        in_word = false;
      }
      return list;
    }
  };

  int peek() const { return pos_ < s_.size() ? text::decode(s_, pos_).cp : kEof; }
  int next() {
    if (pos_ >= s_.size())
      return kEof;
    auto r = text::decode(s_, pos_);
    pos_ += r.len;
    return r.cp;
  }

  Result<Stop> stop_on(int stop, bool raw_escapes) {
    std::string result;
    words_buffer_.clear();
    Words words{&words_buffer_, {}};
    bool saved = raw_escapes_;
    raw_escapes_ = raw_escapes;
    struct Restore {
      bool &flag, value;
      ~Restore() { flag = value; }
    } restore{raw_escapes_, saved};

    while (peek() != kEof) {
      int ch = peek();
      if (stop != kEof && ch == stop) {
        next();
        return Stop{result, words.get()};
      }
      if (ch == '$' || ch == '<' || ch == '\'' || ch == '"') {
        auto tmp = ch == '$' ? dollar() : ch == '<' ? possible_heredoc()
                 : ch == '\'' ? single_quote() : double_quote();
        if (!tmp)
          return std::move(tmp).error();
        result += *tmp;
        if (ch == '$')
          words.add_string(*tmp);
        else
          words.add_raw_string(*tmp);
        continue;
      }
      ch = next();
      if (ch == '\\') {
        if (raw_escapes_) {
          words.add_raw_char(ch);
          text::append_rune(result, ch);
        }
        ch = next();
        if (ch == kEof)
          break;
        words.add_raw_char(ch);
      } else {
        words.add_char(ch);
      }
      text::append_rune(result, ch);
    }
    if (stop != kEof)
      return make_error(Errc::invalid,
                        "unexpected end of statement while looking for matching {}",
                        static_cast<char>(stop));
    return Stop{result, words.get()};
  }

  Result<std::string> single_quote() {
    std::string out;
    int ch = next();
    if (raw_quotes_)
      text::append_rune(out, ch);
    for (;;) {
      ch = next();
      if (ch == kEof)
        return make_error(Errc::invalid,
                          "unexpected end of statement while looking for matching single-quote");
      if (ch == '\'') {
        if (raw_quotes_)
          text::append_rune(out, ch);
        return out;
      }
      text::append_rune(out, ch);
    }
  }

  Result<std::string> double_quote() {
    std::string out;
    int ch = next();
    if (raw_quotes_)
      text::append_rune(out, ch);
    for (;;) {
      switch (peek()) {
      case kEof:
        return make_error(Errc::invalid,
                          "unexpected end of statement while looking for matching double-quote");
      case '"':
        ch = next();
        if (raw_quotes_)
          text::append_rune(out, ch);
        return out;
      case '$':
        out += TRY(dollar());
        break;
      default:
        ch = next();
        if (ch == '\\') {
          if (raw_escapes_)
            text::append_rune(out, ch);
          int p = peek();
          if (p == kEof)
            continue;  // a trailing escape is dropped
          if (p == '"' || p == '$' || p == '\\')
            ch = next();
        }
        text::append_rune(out, ch);
      }
    }
  }

  static bool is_special_param(int ch) {
    return ch == '@' || ch == '*' || ch == '#' || ch == '?' || ch == '-' || ch == '$' ||
           ch == '!' || ch == '0';
  }
  static bool is_digit(int ch) { return ch >= '0' && ch <= '9'; }
  // unicode.IsLetter, with every non-ASCII non-space character a letter.
  static bool is_letter(int ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= 0x80 && !text::is_space(ch));
  }

  std::string name() {
    std::string out;
    while (peek() != kEof) {
      int ch = peek();
      if (out.empty() && is_digit(ch)) {
        while (is_digit(peek()))
          text::append_rune(out, next());
        return out;
      }
      if (out.empty() && is_special_param(ch)) {
        text::append_rune(out, next());
        return out;
      }
      if (!is_letter(ch) && !is_digit(ch) && ch != '_')
        break;
      text::append_rune(out, next());
    }
    return out;
  }

  // Every variable is unset, so each reference comes back as written.
  Result<std::string> dollar() {
    next();
    if (peek() != '{') {
      std::string n = name();
      return "$" + n;
    }
    next();
    int p = peek();
    if (p == kEof)
      return make_error(Errc::invalid, "syntax error: missing '}}'");
    if (p == '{' || p == '}' || p == ':')
      return make_error(Errc::invalid, "syntax error: bad substitution");
    std::string n = name();
    int ch = next();
    std::string chs;
    text::append_rune(chs, ch == kEof ? 0xFFFD : ch);
    bool null_is_unset = false;
    if (ch == '}')
      return "${" + n + "}";
    if (ch == ':') {
      null_is_unset = true;
      ch = next();
      text::append_rune(chs, ch == kEof ? 0xFFFD : ch);
    }
    if (null_is_unset || ch == '+' || ch == '-' || ch == '?' || ch == '#' || ch == '%') {
      bool raw = ch == '#' || ch == '%';
      if (null_is_unset && raw)
        return make_error(Errc::invalid, "unsupported modifier ({}) in substitution", chs);
      auto word = stop_on('}', raw);
      if (!word) {
        if (peek() == kEof)
          return make_error(Errc::invalid, "syntax error: missing '}}'");
        return std::move(word).error();
      }
      return "${" + n + chs + word->result + "}";
    }
    if (ch == '/') {
      if (peek() == '/')
        next();
      auto pattern = stop_on('/', true);
      if (!pattern) {
        if (peek() == kEof)
          return make_error(Errc::invalid, "syntax error: missing '/' in ${{}}");
        return std::move(pattern).error();
      }
      auto repl = stop_on('}', true);
      if (!repl) {
        if (peek() == kEof)
          return make_error(Errc::invalid, "syntax error: missing '}}'");
        return std::move(repl).error();
      }
      return "${" + n + "/" + pattern->result + "/" + repl->result + "}";
    }
    return make_error(Errc::invalid, "unsupported modifier ({}) in substitution", chs);
  }

  // `<<` keeps the blanks after it, so `<< EOF` stays one word.
  Result<std::string> possible_heredoc() {
    next();
    if (peek() != '<')
      return std::string("<");
    next();
    std::string out = "<<";
    while (peek() == '\t' || peek() == '\r' || peek() == ' ')
      text::append_rune(out, next());
    return out;
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool raw_quotes_, raw_escapes_;
  std::string words_buffer_;
};

bool is_regex_space(char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

size_t count_quotes(std::string_view s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\'') +
                             std::count(s.begin(), s.end(), '"'));
}

} // namespace

Result<std::optional<Heredoc>> parse_heredoc_word(std::string_view word) {
  // regexp `^(\d*)<<(-?)\s*([^<]*)$`
  size_t pos = 0;
  while (pos < word.size() && word[pos] >= '0' && word[pos] <= '9')
    pos++;
  if (word.substr(pos, 2) != "<<")
    return std::optional<Heredoc>();
  pos += 2;
  bool chomp = pos < word.size() && word[pos] == '-';
  if (chomp)
    pos++;
  while (pos < word.size() && is_regex_space(word[pos]))
    pos++;
  std::string_view rest = word.substr(pos);
  if (rest.empty() || rest.find('<') != std::string_view::npos)
    return std::optional<Heredoc>();

  auto words = TRY(Lexer(rest, false, false).words());
  if (words.size() != 1)
    return std::optional<Heredoc>();
  auto raw = TRY(Lexer(rest, true, false).words());
  if (raw.size() != words.size())
    return make_error(Errc::invalid,
                      "internal lexing of heredoc produced inconsistent results: {}", rest);
  // A quote anywhere in the delimiter turns expansion off.
  Heredoc h;
  h.name = words[0];
  h.expand = count_quotes(words[0]) == count_quotes(raw[0]);
  h.chomp = chomp;
  return std::optional<Heredoc>(std::move(h));
}

Result<std::vector<Heredoc>> heredocs_from_line(std::string_view line) {
  std::vector<Heredoc> docs;
  // A line that does not lex opens no heredoc (BuildKit ignores the error).
  auto words = Lexer(line, true, true).words();
  if (!words)
    return docs;
  for (const auto &w : *words)
    if (auto h = TRY(parse_heredoc_word(w)))
      docs.push_back(std::move(*h));
  return docs;
}

std::string chomp_heredoc(std::string_view content) {
  std::string out;
  bool line_start = true;
  for (char c : content) {
    if (line_start && c == '\t')
      continue;
    line_start = c == '\n';
    out += c;
  }
  return out;
}

} // namespace skiff::dockerfile
