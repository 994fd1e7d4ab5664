// Template syntax of parse nodes, spelled as Go's Node.String() does.
#include "ast.hpp"

namespace skiff::gotmpl::detail {

namespace {

// A parenthesized pipeline keeps its parentheses when quoted.
std::string arg_str(const Node &n) {
  if (n.type == NodeType::pipe)
    return "(" + n.str() + ")";
  return n.str();
}

} // namespace

std::string LeafNode::str() const {
  switch (type) {
  case NodeType::dot: return ".";
  case NodeType::nil: return "nil";
  case NodeType::break_: return "{{break}}";
  case NodeType::continue_: return "{{continue}}";
  case NodeType::end: return "{{end}}";
  default: return "{{else}}";
  }
}

std::string ListNode::str() const {
  std::string s;
  for (const auto &n : nodes)
    s += n->str();
  return s;
}

std::string CommandNode::str() const {
  std::string s;
  for (const auto &a : args) {
    if (!s.empty())
      s += ' ';
    s += arg_str(*a);
  }
  return s;
}

std::string PipeNode::str() const {
  std::string s;
  for (size_t i = 0; i < decl.size(); ++i)
    s += (i ? ", " : "") + decl[i];
  if (!decl.empty())
    s += is_assign ? " = " : " := ";
  for (size_t i = 0; i < cmds.size(); ++i)
    s += (i ? " | " : "") + cmds[i]->str();
  return s;
}

std::string BranchNode::str() const {
  const char *name = type == NodeType::if_ ? "if" : type == NodeType::range ? "range" : "with";
  std::string s = std::string("{{") + name + " " + pipe->str() + "}}" + list->str();
  if (else_list)
    s += "{{else}}" + else_list->str();
  return s + "{{end}}";
}

std::string FieldNode::str() const {
  std::string s;
  for (size_t i = 0; i < ident.size(); ++i) {
    if (type == NodeType::field || i > 0)
      s += '.';
    s += ident[i];
  }
  return s;
}

std::string ChainNode::str() const {
  std::string s = arg_str(*node);
  for (const auto &f : field)
    s += "." + f;
  return s;
}

} // namespace skiff::gotmpl::detail
