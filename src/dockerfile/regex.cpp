#include "regex.hpp"

#include <algorithm>

#include "runes.hpp"

namespace skiff::dockerfile::detail {
namespace {

using Ranges = std::vector<std::pair<char32_t, char32_t>>;

Ranges complement(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  char32_t next = 0;
  for (auto [lo, hi] : r) {
    if (lo > next)
      out.push_back({next, lo - 1});
    next = std::max<char32_t>(next, hi + 1);
  }
  if (next <= 0x10ffff)
    out.push_back({next, 0x10ffff});
  return out;
}

// \d \s \w, and their upper-case complements.
std::optional<Ranges> perl_class(char32_t c) {
  Ranges r;
  switch (c | 0x20) {
  case 'd': r = {{'0', '9'}}; break;
  case 's': r = {{'\t', '\n'}, {'\f', '\r'}, {' ', ' '}}; break;
  case 'w': r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; break;
  default: return std::nullopt;
  }
  return (c & 0x20) ? r : complement(std::move(r));
}

std::optional<Ranges> posix_class(std::string_view name) {
  static const std::pair<std::string_view, Ranges> kTable[] = {
      {"alnum", {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}},
      {"alpha", {{'A', 'Z'}, {'a', 'z'}}},
      {"ascii", {{0, 0x7f}}},
      {"blank", {{'\t', '\t'}, {' ', ' '}}},
      {"cntrl", {{0, 0x1f}, {0x7f, 0x7f}}},
      {"digit", {{'0', '9'}}},
      {"graph", {{'!', '~'}}},
      {"lower", {{'a', 'z'}}},
      {"print", {{' ', '~'}}},
      {"punct", {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}}},
      {"space", {{'\t', '\r'}, {' ', ' '}}},
      {"upper", {{'A', 'Z'}}},
      {"word", {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}},
      {"xdigit", {{'0', '9'}, {'A', 'F'}, {'a', 'f'}}},
  };
  bool negate = !name.empty() && name[0] == '^';
  if (negate)
    name.remove_prefix(1);
  for (const auto &[n, r] : kTable)
    if (n == name)
      return negate ? complement(r) : r;
  return std::nullopt;
}

struct Node {
  enum Kind { cls, begin, end, group } kind = cls;
  Regex::Class cls_;
  std::vector<Node> kids;
  char32_t quant = 0;  // '*', '+', '?' or none
  bool lazy = false;
};

Error bad(std::string_view why) { return make_error(Errc::invalid, "{}", why); }

// A recursive-descent reader of the syntax Go's regexp/syntax accepts,
// limited to what the header lists.
class Parser {
public:
  explicit Parser(std::string_view s) : p_(to_runes(s)) {}

  Result<std::vector<Node>> sequence(bool in_group) {
    std::vector<Node> out;
    while (i_ < p_.size()) {
      char32_t c = p_[i_];
      Node nd;
      switch (c) {
      case '(':
        ++i_;
        nd.kind = Node::group;
        nd.kids = TRY(sequence(true));
        break;
      case ')':
        if (!in_group)
          return bad("unexpected )");
        ++i_;
        return out;
      case '*': case '+': case '?':
        if (out.empty())
          return bad("missing argument to repetition operator");
        if (out.back().quant)
          return bad("invalid nested repetition operator");
        out.back().quant = c;
        if (++i_ < p_.size() && p_[i_] == '?') {
          out.back().lazy = true;
          ++i_;
        }
        continue;
      case '^': ++i_; nd.kind = Node::begin; break;
      case '$': ++i_; nd.kind = Node::end; break;
      case '.':
        ++i_;
        nd.cls_ = {{{'\n', '\n'}}, true};
        break;
      case '[': nd.cls_ = TRY(char_class()); break;
      case '\\': nd = TRY(escape_node()); break;
      case '|': case '{':
        return bad("unsupported regexp syntax");
      default:
        ++i_;
        nd.cls_ = {{{c, c}}, false};
      }
      out.push_back(std::move(nd));
    }
    if (in_group)
      return bad("missing closing )");
    return out;
  }

private:
  // After a backslash, outside a class.
  Result<Node> escape_node() {
    Node nd;
    if (i_ + 1 < p_.size()) {
      char32_t c = p_[i_ + 1];
      if (c == 'A' || c == 'z') {
        i_ += 2;
        nd.kind = c == 'A' ? Node::begin : Node::end;
        return nd;
      }
      if (auto r = perl_class(c)) {
        i_ += 2;
        nd.cls_.ranges = std::move(*r);
        return nd;
      }
    }
    char32_t r = TRY(escaped_rune());
    nd.cls_ = {{{r, r}}, false};
    return nd;
  }

  // Go's parseEscape: punctuation stands for itself, plus C and octal escapes.
  Result<char32_t> escaped_rune() {
    ++i_;
    if (i_ >= p_.size())
      return bad("trailing backslash at end of expression");
    char32_t c = p_[i_++];
    auto octal = [&](size_t k) { return k < p_.size() && p_[k] >= '0' && p_[k] <= '7'; };
    switch (c) {
    case 'a': return U'\a';
    case 'f': return U'\f';
    case 'n': return U'\n';
    case 'r': return U'\r';
    case 't': return U'\t';
    case 'v': return U'\v';
    default: break;
    }
    // \1-\7 alone would be a backreference, which Go refuses.
    if (c == '0' || (c >= '1' && c <= '7' && octal(i_))) {
      char32_t r = c - '0';
      for (int k = 0; k < 2 && octal(i_); ++k)
        r = r * 8 + (p_[i_++] - '0');
      return r;
    }
    bool alnum = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    if (c < 0x80 && !alnum)
      return c;
    return bad("invalid escape sequence");
  }

  Result<char32_t> class_rune() {
    if (p_[i_] == '\\')
      return escaped_rune();
    return p_[i_++];
  }

  // Go's parseClass: a ']' right after '[' or '[^' is a member.
  Result<Regex::Class> char_class() {
    Regex::Class cls;
    ++i_;
    if (i_ < p_.size() && p_[i_] == '^') {
      cls.negate = true;
      ++i_;
    }
    for (bool first = true; i_ >= p_.size() || p_[i_] != ']' || first; first = false) {
      if (i_ >= p_.size())
        return bad("missing closing ]");
      if (p_[i_] == '[' && i_ + 1 < p_.size() && p_[i_ + 1] == ':') {
        auto close = std::u32string_view(p_).find(U":]", i_ + 2);
        if (close != std::u32string_view::npos) {
          auto r = posix_class(from_runes(std::u32string_view(p_).substr(i_ + 2, close - i_ - 2)));
          if (!r)
            return bad("invalid character class range");
          cls.ranges.insert(cls.ranges.end(), r->begin(), r->end());
          i_ = close + 2;
          continue;
        }
      }
      if (p_[i_] == '\\' && i_ + 1 < p_.size()) {
        if (auto r = perl_class(p_[i_ + 1])) {
          cls.ranges.insert(cls.ranges.end(), r->begin(), r->end());
          i_ += 2;
          continue;
        }
      }
      char32_t lo = TRY(class_rune()), hi = lo;
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        hi = TRY(class_rune());
        if (hi < lo)
          return bad("invalid character class range");
      }
      cls.ranges.push_back({lo, hi});
    }
    ++i_;
    return cls;
  }

  std::u32string p_;
  size_t i_ = 0;
};

using Prog = std::vector<Regex::Inst>;

void emit(const Node &nd, Prog &prog);

void emit_atom(const Node &nd, Prog &prog) {
  switch (nd.kind) {
  case Node::cls: prog.push_back({Regex::Op::rune, 0, 0, nd.cls_}); break;
  case Node::begin: prog.push_back({Regex::Op::begin, 0, 0, {}}); break;
  case Node::end: prog.push_back({Regex::Op::end, 0, 0, {}}); break;
  case Node::group:
    for (const Node &k : nd.kids)
      emit(k, prog);
    break;
  }
}

// Thompson's construction; a split tries x first, which is how greedy and
// lazy repetition differ.
void emit(const Node &nd, Prog &prog) {
  int l = static_cast<int>(prog.size());
  auto order = [&](size_t split, int body, int after) {
    prog[split].x = nd.lazy ? after : body;
    prog[split].y = nd.lazy ? body : after;
  };
  switch (nd.quant) {
  case '*':
    prog.push_back({Regex::Op::split, 0, 0, {}});
    emit_atom(nd, prog);
    prog.push_back({Regex::Op::jmp, l, 0, {}});
    order(l, l + 1, static_cast<int>(prog.size()));
    break;
  case '+':
    emit_atom(nd, prog);
    prog.push_back({Regex::Op::split, 0, 0, {}});
    order(prog.size() - 1, l, static_cast<int>(prog.size()));
    break;
  case '?':
    prog.push_back({Regex::Op::split, 0, 0, {}});
    emit_atom(nd, prog);
    order(l, l + 1, static_cast<int>(prog.size()));
    break;
  default:
    emit_atom(nd, prog);
  }
}

} // namespace

bool Regex::Class::contains(char32_t r) const {
  bool in = std::any_of(ranges.begin(), ranges.end(),
                        [r](const auto &x) { return x.first <= r && r <= x.second; });
  return in != negate;
}

Result<Regex> Regex::compile(std::string_view pattern) {
  Parser parser(pattern);
  std::vector<Node> nodes = TRY(parser.sequence(false));
  Regex re;
  for (const Node &nd : nodes)
    emit(nd, re.prog_);
  re.prog_.push_back({Op::match, 0, 0, {}});
  re.anchored_ = !nodes.empty() && nodes[0].kind == Node::begin && !nodes[0].quant;
  return re;
}

// A backtracking search in priority order, remembering the (instruction,
// position) pairs already tried: a pair that failed once fails again, so
// the search is linear in program times text, and the first match reached
// is Go's leftmost-first one.
std::optional<std::pair<size_t, size_t>> Regex::find(std::u32string_view text, size_t from) const {
  size_t n = text.size();
  std::vector<bool> seen(prog_.size() * (n + 1));
  std::vector<std::pair<int, size_t>> stack;
  for (size_t start = from; start <= n; ++start) {
    if (anchored_ && start > 0)
      break;
    stack.assign(1, {0, start});
    while (!stack.empty()) {
      auto [pc, pos] = stack.back();
      stack.pop_back();
      size_t key = static_cast<size_t>(pc) * (n + 1) + pos;
      if (seen[key])
        continue;
      seen[key] = true;
      const Inst &in = prog_[pc];
      switch (in.op) {
      case Op::rune:
        if (pos < n && in.cls.contains(text[pos]))
          stack.push_back({pc + 1, pos + 1});
        break;
      case Op::split:
        stack.push_back({in.y, pos});
        stack.push_back({in.x, pos});
        break;
      case Op::jmp: stack.push_back({in.x, pos}); break;
      case Op::begin:
        if (pos == 0)
          stack.push_back({pc + 1, pos});
        break;
      case Op::end:
        if (pos == n)
          stack.push_back({pc + 1, pos});
        break;
      case Op::match: return std::pair{start, pos};
      }
    }
  }
  return std::nullopt;
}

} // namespace skiff::dockerfile::detail
