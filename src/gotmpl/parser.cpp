// Recursive-descent parser, a port of text/template/parse/parse.go: same
// grammar, same checks (unknown functions, undefined variables, break
// outside range) and the same error messages.
#include <algorithm>
#include <utility>

#include "ast.hpp"
#include "fmt.hpp"
#include "functions.hpp"
#include "lexer.hpp"
#include "literals.hpp"

namespace skiff::gotmpl::detail {

namespace {

// Bounds recursion on nested parentheses and blocks; Go allows 10000
// parentheses on its growable stack, our fixed stack wants fewer.
constexpr int kMaxDepth = 1000;

std::vector<std::string> split_dots(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0, at;
  while ((at = s.find('.', start)) != std::string_view::npos) {
    out.emplace_back(s.substr(start, at - start));
    start = at + 1;
  }
  out.emplace_back(s.substr(start));
  return out;
}

bool is_literal(NodeType t) {
  return t == NodeType::boolean || t == NodeType::dot || t == NodeType::nil ||
         t == NodeType::number || t == NodeType::string;
}

using ListResult = Result<std::pair<std::unique_ptr<ListNode>, NodePtr>>;

class Parser {
public:
  Parser(std::string_view text, std::string name) : toks_(lex(text)), name_(std::move(name)) {}

  Result<std::unique_ptr<ListNode>> parse() {
    auto root = std::make_unique<ListNode>(NodeType::list, peek().pos);
    while (peek().type != Tok::eof) {
      NodePtr n = TRY(text_or_action());
      if (n->type == NodeType::end || n->type == NodeType::else_)
        return errorf("unexpected " + n->str());
      root->nodes.push_back(std::move(n));
    }
    return root;
  }

private:
  const Token &next() {
    const Token &t = toks_[std::min(i_, toks_.size() - 1)];
    ++i_;
    seen_ = std::max(seen_, i_);
    return t;
  }
  void backup() { --i_; }
  const Token &peek() {
    const Token &t = next();
    backup();
    return t;
  }
  const Token &next_non_space() {
    const Token *t;
    do
      t = &next();
    while (t->type == Tok::space);
    return *t;
  }
  const Token &peek_non_space() {
    const Token &t = next_non_space();
    backup();
    return t;
  }

  // Go reports the line of the latest token read from the lexer.
  Error errorf(const std::string &msg) const {
    int line = toks_[std::min(seen_, toks_.size()) - 1].line;
    return make_error(Errc::invalid, "template: {}:{}: {}", name_, line, msg);
  }

  Error unexpected(const Token &t, std::string_view context) const {
    if (t.type != Tok::error)
      return errorf("unexpected " + token_str(t) + " in " + std::string(context));
    std::string extra;
    if (action_line_ != 0 && action_line_ != t.line) {
      extra = " in action started at " + name_ + ":" + std::to_string(action_line_);
      if (t.val.ends_with(" action"))
        extra.erase(0, std::string_view(" in action").size());
    }
    return errorf(t.val + extra);
  }

  Result<Token> expect(Tok type, std::string_view context) {
    const Token &t = next_non_space();
    if (t.type != type)
      return unexpected(t, context);
    return t;
  }

  Result<NodePtr> text_or_action() {
    const Token &t = next_non_space();
    if (t.type == Tok::text)
      return NodePtr(std::make_unique<TextNode>(t.pos, t.val));
    if (t.type != Tok::left_delim)
      return unexpected(t, "input");
    action_line_ = t.line;
    auto n = action();
    action_line_ = 0;
    return n;
  }

  ListResult item_list() {
    auto list = std::make_unique<ListNode>(NodeType::list, peek_non_space().pos);
    while (peek_non_space().type != Tok::eof) {
      NodePtr n = TRY(text_or_action());
      if (n->type == NodeType::end || n->type == NodeType::else_)
        return std::make_pair(std::move(list), std::move(n));
      list->nodes.push_back(std::move(n));
    }
    return errorf("unexpected EOF");
  }

  Result<NodePtr> action() {
    const Token &t = next_non_space();
    switch (t.type) {
    case Tok::break_:
    case Tok::continue_: return loop_control(t);
    case Tok::else_: return else_control();
    case Tok::end:
      return NodePtr(
          std::make_unique<LeafNode>(NodeType::end, TRY(expect(Tok::right_delim, "end")).pos));
    case Tok::if_: return branch(NodeType::if_, "if");
    case Tok::range: return branch(NodeType::range, "range");
    case Tok::with: return branch(NodeType::with, "with");
    case Tok::block:
    case Tok::define:
    case Tok::template_:
      // Named templates make no sense for a one-off --format string.
      return errorf("{{" + t.val + "}} is not supported");
    default: break;
    }
    backup();
    size_t pos = peek().pos;
    auto pipe = TRY(pipeline("command", Tok::right_delim));
    return NodePtr(std::make_unique<ActionNode>(pos, std::move(pipe)));
  }

  Result<NodePtr> loop_control(const Token &kw) {
    bool brk = kw.type == Tok::break_;
    std::string name = brk ? "{{break}}" : "{{continue}}";
    size_t pos = kw.pos;
    if (const Token &t = next_non_space(); t.type != Tok::right_delim)
      return unexpected(t, name);
    if (range_depth_ == 0)
      return errorf(name + " outside {{range}}");
    return NodePtr(std::make_unique<LeafNode>(brk ? NodeType::break_ : NodeType::continue_, pos));
  }

  // "{{else if ...}}" and "{{else with ...}}" leave the keyword pending.
  Result<NodePtr> else_control() {
    const Token &p = peek_non_space();
    if (p.type == Tok::if_ || p.type == Tok::with)
      return NodePtr(std::make_unique<LeafNode>(NodeType::else_, p.pos));
    size_t pos = TRY(expect(Tok::right_delim, "else")).pos;
    return NodePtr(std::make_unique<LeafNode>(NodeType::else_, pos));
  }

  // if, range and with (Go's parseControl).
  Result<NodePtr> branch(NodeType type, const std::string &context) {
    if (depth_ >= kMaxDepth)
      return errorf("max expression depth exceeded");
    ++depth_;
    size_t saved_vars = vars_.size();
    auto b = std::make_unique<BranchNode>(type, 0);
    b->pipe = TRY(pipeline(context, Tok::right_delim));
    b->pos = b->pipe->pos;
    range_depth_ += type == NodeType::range;
    auto [list, next_node] = TRY(item_list());
    range_depth_ -= type == NodeType::range;
    b->list = std::move(list);
    if (next_node->type == NodeType::else_) {
      // {{else if x}}...{{end}} is {{else}}{{if x}}...{{end}}{{end}}.
      Tok chained = type == NodeType::if_    ? Tok::if_
                    : type == NodeType::with ? Tok::with
                                             : Tok::eof;
      if (chained != Tok::eof && peek().type == chained) {
        next();
        b->else_list = std::make_unique<ListNode>(NodeType::list, next_node->pos);
        b->else_list->nodes.push_back(TRY(branch(type, context)));
      } else {
        auto [else_list, end] = TRY(item_list());
        if (end->type != NodeType::end)
          return errorf("expected end; found " + end->str());
        b->else_list = std::move(else_list);
      }
    }
    vars_.resize(saved_vars);
    --depth_;
    return NodePtr(std::move(b));
  }

  Result<std::unique_ptr<PipeNode>> pipeline(const std::string &context, Tok end) {
    auto pipe = std::make_unique<PipeNode>(peek_non_space().pos);
    while (peek_non_space().type == Tok::variable) {
      size_t before = i_;
      const Token &v = next();
      const Token &n = peek_non_space();
      if (n.type == Tok::assign || n.type == Tok::declare) {
        pipe->is_assign = n.type == Tok::assign;
        next_non_space();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        break;
      }
      if (n.type == Tok::chr && n.val == ",") {
        next_non_space();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          Tok t = peek_non_space().type;
          if (t == Tok::variable || t == Tok::right_delim || t == Tok::right_paren)
            continue; // the second variable of a range
          return errorf("range can only initialize variables");
        }
        return errorf("too many declarations in " + context);
      }
      // Not a declaration: $x is the first operand.
      i_ = before;
      break;
    }
    for (;;) {
      const Token &t = next_non_space();
      if (t.type == end) {
        TRY_STATUS(check_pipeline(*pipe, context));
        return pipe;
      }
      switch (t.type) {
      case Tok::boolean:
      case Tok::char_constant:
      case Tok::complex:
      case Tok::dot:
      case Tok::field:
      case Tok::identifier:
      case Tok::number:
      case Tok::nil:
      case Tok::raw_string:
      case Tok::string:
      case Tok::variable:
      case Tok::left_paren:
        backup();
        pipe->cmds.push_back(TRY(command()));
        break;
      default: return unexpected(t, context);
      }
    }
  }

  Status check_pipeline(const PipeNode &pipe, const std::string &context) const {
    if (pipe.cmds.empty())
      return errorf("missing value for " + context);
    // Only the first command may start with a non-executable operand.
    for (size_t i = 1; i < pipe.cmds.size(); ++i)
      if (is_literal(pipe.cmds[i]->args[0]->type))
        return errorf("non executable command in pipeline stage " + std::to_string(i + 1));
    return {};
  }

  Result<std::unique_ptr<CommandNode>> command() {
    auto cmd = std::make_unique<CommandNode>(peek_non_space().pos);
    for (;;) {
      peek_non_space();
      if (NodePtr op = TRY(operand()))
        cmd->args.push_back(std::move(op));
      const Token &t = next();
      if (t.type == Tok::space)
        continue;
      if (t.type == Tok::right_delim || t.type == Tok::right_paren)
        backup();
      else if (t.type != Tok::pipe)
        return unexpected(t, "operand");
      break;
    }
    if (cmd->args.empty())
      return errorf("empty command");
    return cmd;
  }

  // A term followed by .Field accesses; null when no operand follows.
  Result<NodePtr> operand() {
    NodePtr node = TRY(term());
    if (!node || peek().type != Tok::field)
      return node;
    auto chain = std::make_unique<ChainNode>(peek().pos, nullptr);
    while (peek().type == Tok::field)
      chain->field.push_back(next().val.substr(1));
    switch (node->type) {
    case NodeType::field:
    case NodeType::variable: {
      // .A.B and $x.A stay single nodes, as Go keeps them.
      size_t pos = chain->pos;
      chain->node = std::move(node);
      std::string s = chain->str();
      NodeType t = chain->node->type;
      return NodePtr(
          std::make_unique<FieldNode>(t, pos, split_dots(t == NodeType::field ? s.substr(1) : s)));
    }
    case NodeType::boolean:
    case NodeType::string:
    case NodeType::number:
    case NodeType::nil:
    case NodeType::dot: return errorf("unexpected . after term " + go_quote(node->str()));
    default: chain->node = std::move(node); return NodePtr(std::move(chain));
    }
  }

  Result<NodePtr> term() {
    const Token &t = next_non_space();
    switch (t.type) {
    case Tok::identifier:
      if (!find_function(t.val))
        return errorf("function " + go_quote(t.val) + " not defined");
      return NodePtr(std::make_unique<IdentifierNode>(t.pos, t.val));
    case Tok::dot: return NodePtr(std::make_unique<LeafNode>(NodeType::dot, t.pos));
    case Tok::nil: return NodePtr(std::make_unique<LeafNode>(NodeType::nil, t.pos));
    case Tok::variable: {
      auto v = std::make_unique<FieldNode>(NodeType::variable, t.pos, split_dots(t.val));
      if (std::find(vars_.begin(), vars_.end(), v->ident[0]) == vars_.end())
        return errorf("undefined variable " + go_quote(v->ident[0]));
      return NodePtr(std::move(v));
    }
    case Tok::field:
      return NodePtr(std::make_unique<FieldNode>(NodeType::field, t.pos,
                                                 split_dots(std::string_view(t.val).substr(1))));
    case Tok::boolean: return NodePtr(std::make_unique<BoolNode>(t.pos, t.val == "true"));
    case Tok::char_constant:
    case Tok::complex:
    case Tok::number: {
      auto n = parse_number(t.pos, t.val, t.type == Tok::char_constant, t.type == Tok::complex);
      if (!n)
        return errorf(n.error().message);
      return NodePtr(std::move(*n));
    }
    case Tok::left_paren: {
      if (depth_ >= kMaxDepth)
        return errorf("max expression depth exceeded");
      ++depth_;
      auto p = pipeline("parenthesized pipeline", Tok::right_paren);
      --depth_;
      if (!p)
        return std::move(p).error();
      return NodePtr(std::move(*p));
    }
    case Tok::string:
    case Tok::raw_string: {
      auto s = unquote(t.val);
      if (!s)
        return errorf("invalid syntax");
      return NodePtr(std::make_unique<StringNode>(t.pos, t.val, std::move(*s)));
    }
    default: backup(); return NodePtr();
    }
  }

  std::vector<Token> toks_;
  size_t i_ = 0;    // next token
  size_t seen_ = 0; // tokens read so far, peeks included
  int action_line_ = 0;
  std::string name_;
  int range_depth_ = 0;
  int depth_ = 0; // nesting of parentheses and blocks
  std::vector<std::string> vars_{"$"};
};

} // namespace

Result<std::unique_ptr<Tree>> parse_tree(std::string_view text, const std::string &name) {
  auto tree = std::make_unique<Tree>();
  tree->text = std::string(text);
  tree->name = name;
  tree->root = TRY(Parser(tree->text, name).parse());
  return tree;
}

} // namespace skiff::gotmpl::detail
