#include "skiff/registry/challenge.hpp"

#include "skiff/util/strings.hpp"

namespace skiff::registry {

namespace {

// RFC 7230 tchar: what a scheme or parameter name is made of.
bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

class Lexer {
public:
  explicit Lexer(std::string_view s) : s_(s) {}

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t'))
      i_++;
  }
  bool done() {
    skip_space();
    return i_ >= s_.size();
  }
  bool eat(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      i_++;
      return true;
    }
    return false;
  }
  std::string token() {
    skip_space();
    size_t start = i_;
    while (i_ < s_.size() && is_token_char(s_[i_]))
      i_++;
    return std::string(s_.substr(start, i_ - start));
  }
  // A quoted string with backslash escapes, or a bare token.
  bool value(std::string &out) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == '"') {
      out.clear();
      for (i_++; i_ < s_.size(); i_++) {
        char c = s_[i_];
        if (c == '\\' && i_ + 1 < s_.size())
          c = s_[++i_];
        else if (c == '"') {
          i_++;
          return true;
        }
        out += c;
      }
      return false;  // unterminated
    }
    // Bare values are meant to be tokens, but registries write scopes
    // ("repository:a/b:pull") unquoted too: take up to the next separator.
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ' ' && s_[i_] != '\t')
      i_++;
    out = std::string(s_.substr(start, i_ - start));
    return !out.empty();
  }
  // Whether `name=` follows (a parameter) rather than a new scheme.
  bool param_ahead() {
    size_t save = i_;
    std::string name = token();
    bool yes = !name.empty() && eat('=');
    i_ = save;
    return yes;
  }

private:
  std::string_view s_;
  size_t i_ = 0;
};

} // namespace

std::vector<Challenge> parse_challenges(std::string_view header) {
  std::vector<Challenge> out;
  Lexer lx(header);
  while (!lx.done()) {
    if (lx.eat(','))
      continue;
    std::string scheme = lx.token();
    if (scheme.empty())
      break;
    Challenge ch{str::lower(scheme), {}};
    while (!lx.done()) {
      if (lx.eat(','))
        continue;
      if (!lx.param_ahead())
        break;  // the next challenge's scheme
      std::string key = str::lower(lx.token());
      lx.eat('=');
      std::string v;
      if (!lx.value(v)) {
        out.push_back(std::move(ch));
        return out;
      }
      ch.params[key] = v;
    }
    out.push_back(std::move(ch));
  }
  return out;
}

} // namespace skiff::registry
