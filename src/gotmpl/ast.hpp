// Parse tree of a Go template (after text/template/parse/node.go).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "skiff/gotmpl/template.hpp"
#include "skiff/util/result.hpp"

namespace skiff::gotmpl::detail {

enum class NodeType {
  text,
  action,
  if_,
  range,
  with,
  break_,
  continue_,
  list,
  pipe,
  command,
  field,
  variable,
  chain,
  identifier,
  dot,
  nil,
  boolean,
  number,
  string,
  end,   // only while parsing
  else_, // only while parsing
};

struct Node {
  Node(NodeType t, size_t p) : type(t), pos(p) {}
  virtual ~Node() = default;
  // Go's Node.String(): the node in template syntax, as errors quote it.
  virtual std::string str() const = 0;

  NodeType type;
  size_t pos; // byte offset in the template text
};
using NodePtr = std::unique_ptr<Node>;

// dot, nil, break, continue, end and else carry nothing but their type.
struct LeafNode final : Node {
  using Node::Node;
  std::string str() const override;
};

struct ListNode final : Node {
  using Node::Node;
  std::string str() const override;
  std::vector<NodePtr> nodes;
};

struct TextNode final : Node {
  TextNode(size_t p, std::string t) : Node(NodeType::text, p), text(std::move(t)) {}
  std::string str() const override { return text; }
  std::string text;
};

struct CommandNode final : Node {
  explicit CommandNode(size_t p) : Node(NodeType::command, p) {}
  std::string str() const override;
  std::vector<NodePtr> args; // args[0] is the function or the operand
};

struct PipeNode final : Node {
  explicit PipeNode(size_t p) : Node(NodeType::pipe, p) {}
  std::string str() const override;
  bool is_assign = false;        // "=" rather than ":="
  std::vector<std::string> decl; // declared or assigned variables, "$x"
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

struct ActionNode final : Node {
  ActionNode(size_t p, std::unique_ptr<PipeNode> pp)
      : Node(NodeType::action, p), pipe(std::move(pp)) {}
  std::string str() const override { return "{{" + pipe->str() + "}}"; }
  std::unique_ptr<PipeNode> pipe;
};

// if, range and with.
struct BranchNode final : Node {
  using Node::Node;
  std::string str() const override;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list; // may be null
};

// .A.B, or $x.A.B (ident[0] is "$x"); chain is (pipeline).A.B.
struct FieldNode final : Node {
  FieldNode(NodeType t, size_t p, std::vector<std::string> id) : Node(t, p), ident(std::move(id)) {}
  std::string str() const override;
  std::vector<std::string> ident;
};

struct ChainNode final : Node {
  ChainNode(size_t p, NodePtr n) : Node(NodeType::chain, p), node(std::move(n)) {}
  std::string str() const override;
  NodePtr node;
  std::vector<std::string> field;
};

struct IdentifierNode final : Node {
  IdentifierNode(size_t p, std::string n) : Node(NodeType::identifier, p), name(std::move(n)) {}
  std::string str() const override { return name; }
  std::string name;
};

struct BoolNode final : Node {
  BoolNode(size_t p, bool v) : Node(NodeType::boolean, p), value(v) {}
  std::string str() const override { return value ? "true" : "false"; }
  bool value;
};

struct NumberNode final : Node {
  NumberNode(size_t p, std::string t) : Node(NodeType::number, p), text(std::move(t)) {}
  std::string str() const override { return text; }
  std::string text;
  std::optional<int64_t> as_int; // set when the literal is an integer value
  // The value where no type is implied (Go's idealConstant): an int, or a
  // float when spelled with . e or p; unset when it overflows int.
  std::optional<nlohmann::ordered_json> ideal;
};

struct StringNode final : Node {
  StringNode(size_t p, std::string q, std::string t)
      : Node(NodeType::string, p), quoted(std::move(q)), text(std::move(t)) {}
  std::string str() const override { return quoted; }
  std::string quoted; // as written
  std::string text;   // unquoted
};

struct Tree {
  std::string text;
  std::string name; // Go's template.New(name), in errors
  std::unique_ptr<ListNode> root;
};

// text/template's Parse with the builtin and docker functions.
Result<std::unique_ptr<Tree>> parse_tree(std::string_view text, const std::string &name);

// Executes the tree with `dot` as the data.
Result<std::string> execute(const Tree &tree, const nlohmann::ordered_json &dot, const RenderOptions &opts);

} // namespace skiff::gotmpl::detail
