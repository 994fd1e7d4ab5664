// Template execution, a port of text/template/exec.go over JSON data:
// field access is a struct's field or a map's key as the Types say (a
// missing key is "no value" unless missingkey=error), and errors name the
// node being evaluated as Go's do ("executing "" at <.A.B>: ...").
#include <algorithm>
#include <optional>
#include <set>
#include <span>

#include <fmt/format.h>

#include "ast.hpp"
#include "fmt.hpp"
#include "functions.hpp"
#include "value.hpp"

namespace skiff::gotmpl::detail {

namespace {

enum class Flow { normal, break_, continue_ };

using Args = std::span<const NodePtr>;
using Final = std::optional<Value>; // the previous command's result, if any

class Exec {
public:
  Exec(const Tree &tree, const json &dot, const RenderOptions &opts)
      : tree_(tree), root_(Value::borrow(dot, opts.types)), missing_key_error_(opts.missing_key_error),
        read_(opts.root_fields_read), header_(opts.header_functions), partial_(opts.partial),
        marshalled_(opts.root_marshalled) {
    vars_.emplace_back("$", root_);
  }

  Result<std::string> run() {
    auto done = walk(root_, *tree_.root);
    if (!done) {
      if (partial_)
        *partial_ = std::move(out_);
      return std::move(done).error();
    }
    return std::move(out_);
  }

private:
  void at(const Node &n) { node_ = &n; }

  Error errorf(const std::string &msg) const {
    std::string_view before = std::string_view(tree_.text).substr(0, node_->pos);
    size_t nl = before.rfind('\n');
    size_t col = nl == std::string_view::npos ? before.size() : before.size() - nl - 1;
    auto line = 1 + std::count(before.begin(), before.end(), '\n');
    return make_error(Errc::invalid, "template: {}:{}:{}: executing \"{}\" at <{}>: {}", tree_.name, line,
                      col, tree_.name, node_->str(), msg);
  }

  Status set_var(const std::string &name, const Value &v) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) {
        it->second = v;
        return {};
      }
    }
    return errorf("undefined variable: " + name);
  }

  Result<Value> var_value(const std::string &name) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
      if (it->first == name)
        return it->second;
    return errorf("undefined variable: " + name);
  }

  Result<Flow> walk(const Value &dot, const Node &node) {
    at(node);
    switch (node.type) {
    case NodeType::action: {
      const auto &a = static_cast<const ActionNode &>(node);
      Value v = TRY(eval_pipeline(dot, *a.pipe));
      // A declaration prints nothing.
      if (a.pipe->decl.empty())
        out_ += print_value(v);
      return Flow::normal;
    }
    case NodeType::if_:
    case NodeType::with: {
      const auto &b = static_cast<const BranchNode &>(node);
      size_t mark = vars_.size();
      Value v = TRY(eval_pipeline(dot, *b.pipe));
      Flow f = Flow::normal;
      if (truth(v))
        f = TRY(walk(node.type == NodeType::with ? v : dot, *b.list));
      else if (b.else_list)
        f = TRY(walk(dot, *b.else_list));
      vars_.resize(mark);
      return f;
    }
    case NodeType::range: return walk_range(dot, static_cast<const BranchNode &>(node));
    case NodeType::list:
      for (const auto &n : static_cast<const ListNode &>(node).nodes)
        if (Flow f = TRY(walk(dot, *n)); f != Flow::normal)
          return f;
      return Flow::normal;
    case NodeType::text: out_ += static_cast<const TextNode &>(node).text; return Flow::normal;
    case NodeType::break_: return Flow::break_;
    case NodeType::continue_: return Flow::continue_;
    default: return errorf("unknown node: " + node.str());
    }
  }

  Result<Flow> walk_range(const Value &dot, const BranchNode &r) {
    at(r);
    size_t outer = vars_.size();
    Value val = TRY(eval_pipeline(dot, *r.pipe));
    // Variables declared by the range pipeline stay; body variables go
    // after every iteration.
    size_t mark = vars_.size();
    const PipeNode &pipe = *r.pipe;
    auto one = [&](const Value &index, const Value &elem) -> Result<Flow> {
      if (!pipe.decl.empty()) {
        if (!pipe.is_assign)
          vars_[mark - 1].second = elem;
        else
          TRY_STATUS(set_var(pipe.decl[0], pipe.decl.size() > 1 ? index : elem));
      }
      if (pipe.decl.size() > 1) {
        if (!pipe.is_assign)
          vars_[mark - 2].second = index;
        else
          TRY_STATUS(set_var(pipe.decl[1], elem));
      }
      Flow f = TRY(walk(elem, *r.list));
      vars_.resize(mark);
      return f;
    };
    bool ran = false;
    if (val.valid() && !val->is_null()) {
      const json &j = *val;
      if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i) {
          ran = true;
          if (TRY(one(Value::own(static_cast<int64_t>(i)), val.element(j[i]))) == Flow::break_)
            break;
        }
      } else if (j.is_object()) {
        // Keys iterate sorted, as Go sorts map keys.
        for (auto it = j.begin(); it != j.end(); ++it) {
          ran = true;
          if (TRY(one(Value::own(it.key()), val.member(it.key(), *it))) == Flow::break_)
            break;
        }
      } else if (is_int(j)) {
        // Go 1.22 ranges over 0..n-1.
        if (pipe.decl.size() > 1)
          return errorf("can't use " + print_value(val) +
                        " to iterate over more than one variable");
        int64_t n = j.is_number_unsigned()
                        ? static_cast<int64_t>(std::min<uint64_t>(j.get<uint64_t>(), INT64_MAX))
                        : j.get<int64_t>();
        for (int64_t i = 0; i < n; ++i) {
          ran = true;
          if (TRY(one(Value(), Value::own(i))) == Flow::break_)
            break;
        }
      } else {
        return errorf("range can't iterate over " + print_value(val));
      }
    }
    if (!ran && r.else_list)
      TRY(walk(dot, *r.else_list));
    vars_.resize(outer);
    return Flow::normal;
  }

  Result<Value> eval_pipeline(const Value &dot, const PipeNode &pipe) {
    at(pipe);
    Final v;
    for (const auto &cmd : pipe.cmds)
      v = TRY(eval_command(dot, *cmd, v));
    for (const auto &name : pipe.decl) {
      if (pipe.is_assign)
        TRY_STATUS(set_var(name, *v));
      else
        vars_.emplace_back(name, *v);
    }
    return *v;
  }

  Status not_a_function(Args args, const Final &final) {
    if (args.size() > 1 || final)
      return errorf("can't give argument to non-function " + args[0]->str());
    return {};
  }

  Result<Value> eval_command(const Value &dot, const CommandNode &cmd, const Final &final) {
    const Node &first = *cmd.args[0];
    switch (first.type) {
    case NodeType::field:
      return eval_field_node(dot, static_cast<const FieldNode &>(first), cmd.args, final);
    case NodeType::chain:
      return eval_chain(dot, static_cast<const ChainNode &>(first), cmd.args, final);
    case NodeType::identifier:
      return eval_function(dot, static_cast<const IdentifierNode &>(first), cmd, cmd.args, final);
    case NodeType::pipe:
      TRY_STATUS(not_a_function(cmd.args, final));
      return eval_pipeline(dot, static_cast<const PipeNode &>(first));
    case NodeType::variable:
      return eval_variable(dot, static_cast<const FieldNode &>(first), cmd.args, final);
    default: break;
    }
    at(first);
    TRY_STATUS(not_a_function(cmd.args, final));
    if (first.type == NodeType::nil)
      return errorf("nil is not a command");
    return eval_arg(dot, first);
  }

  Result<Value> ideal_constant(const NumberNode &n) {
    at(n);
    if (!n.ideal)
      return errorf(n.text + " overflows int");
    return Value::own(*n.ideal);
  }

  Result<Value> eval_field_node(const Value &dot, const FieldNode &f, Args args,
                                const Final &final) {
    at(f);
    return eval_field_chain(dot, dot, f.ident, args, final);
  }

  Result<Value> eval_chain(const Value &dot, const ChainNode &c, Args args, const Final &final) {
    at(c);
    if (c.node->type == NodeType::nil)
      return errorf("indirection through explicit nil in " + c.str());
    Value v = TRY(eval_arg(dot, *c.node));
    return eval_field_chain(dot, v, c.field, args, final);
  }

  Result<Value> eval_variable(const Value &dot, const FieldNode &v, Args args, const Final &final) {
    at(v);
    Value value = TRY(var_value(v.ident[0]));
    if (v.ident.size() == 1) {
      TRY_STATUS(not_a_function(args, final));
      return value;
    }
    return eval_field_chain(dot, value, std::span(v.ident).subspan(1), args, final);
  }

  Result<Value> eval_field_chain(const Value &dot, Value receiver, std::span<const std::string> ident,
                                 Args args, const Final &final) {
    for (size_t i = 0; i + 1 < ident.size(); ++i)
      receiver = TRY(eval_field(dot, ident[i], {}, std::nullopt, receiver));
    return eval_field(dot, ident.back(), args, final, receiver);
  }

  Result<Value> eval_field(const Value &dot, const std::string &name, Args args, const Final &final,
                           const Value &receiver) {
    if (!receiver.valid()) {
      // A field of no value is no value, as in Go.
      if (missing_key_error_)
        return errorf("nil data; no entry for key " + go_quote(name));
      return Value();
    }
    const json &j = *receiver;
    // A typed map that is null is Go's nil map, which has no keys.
    bool nil_map = j.is_null() && receiver.types() && receiver.is_map();
    if (j.is_object() || nil_map)
      return receiver.is_map() ? map_key(name, args, final, receiver)
                               : struct_field(dot, name, args, final, receiver);
    if (j.is_null())
      return errorf("nil pointer evaluating interface {}." + name);
    return errorf("can't evaluate field " + name + " in type " + type_name(j));
  }

  Result<Value> map_key(const std::string &name, Args args, const Final &final, const Value &receiver) {
    if (args.size() > 1 || final)
      return errorf(name + " is not a method but has arguments");
    auto it = receiver->find(name);
    if (it != receiver->end())
      return receiver.member(name, *it);
    if (missing_key_error_)
      return errorf("map has no entry for key " + go_quote(name));
    return Value();
  }

  Result<Value> struct_field(const Value &dot, const std::string &name, Args args, const Final &final,
                             const Value &receiver) {
    const Types &types = *receiver.types();
    std::string path = Value::join(receiver.path(), name);
    if (read_ && receiver.path().empty())
      read_->insert(name);
    auto it = receiver->find(json_key(types, path, name));
    if (it != receiver->end() && is_renamed_key(types, receiver.path(), name))
      it = receiver->end();
    if (types.methods.count(path) && it != receiver->end()) {
      // A method of one string: the key it looks up ("" if absent, as
      // docker's Label returns).
      size_t got = args.empty() ? 0 : args.size() - 1 + (final ? 1 : 0);
      if (got != 1)
        return errorf(fmt::format("wrong number of args for {}: want 1 got {}", name, got));
      Value key = final ? *final : TRY(eval_arg(dot, *args[1]));
      if (!key.valid() || !key->is_string())
        return errorf("wrong type for value; expected string; got " +
                      (key.valid() ? type_name(*key) : std::string("invalid")));
      auto found = it->find(key->get<std::string>());
      return found == it->end() ? Value::own("") : Value::own(*found);
    }
    if (args.size() > 1 || final)
      return errorf(name + " has arguments but cannot be invoked as function");
    if (it != receiver->end())
      return receiver.member(name, *it);
    if (auto o = types.omitted.find(path); o != types.omitted.end())
      return Value::own(json::parse(o->second)).typed_as(receiver, name);
    std::string type = "struct";
    if (receiver.path().empty() && !types.root.empty())
      type = types.root;
    else if (auto t = types.structs.find(receiver.path()); t != types.structs.end())
      type = t->second;
    return errorf("can't evaluate field " + name + " in type " + type);
  }

  // The JSON key of the Go field `name` of the struct at `path`.
  static const std::string &json_key(const Types &types, const std::string &path, const std::string &name) {
    auto k = types.keys.find(path);
    return k == types.keys.end() ? name : k->second;
  }

  // Whether `key` is the JSON key of a field of the struct at `parent`
  // whose Go name differs (no field by that name).
  static bool is_renamed_key(const Types &types, const std::string &parent, const std::string &key) {
    std::string prefix = parent.empty() ? "" : parent + ".";
    for (const auto &[go_path, json_name] : types.keys)
      if (json_name == key && go_path.substr(0, go_path.rfind('.') + 1) == prefix)
        return true;
    return false;
  }

  Result<Value> eval_function(const Value &dot, const IdentifierNode &id, const Node &cmd,
                              Args args, const Final &final) {
    at(id);
    const Function *fn = find_function(id.name, header_);
    if (!fn)
      return errorf("\"" + id.name + "\" is not a defined function");
    if (!args.empty())
      args = args.subspan(1); // args[0] names the function
    size_t num_in = args.size() + (final ? 1 : 0);
    size_t fixed = fn->params.size() - (fn->variadic ? 1 : 0);
    if (fn->variadic && num_in < fixed)
      return errorf(fmt::format("wrong number of args for {}: want at least {} got {}", id.name,
                                fixed, args.size()));
    if (!fn->variadic && num_in != fixed)
      return errorf(
          fmt::format("wrong number of args for {}: want {} got {}", id.name, fixed, num_in));
    if (!fn->call) {
      // and/or return the first decisive argument without evaluating the rest.
      bool is_or = id.name == "or";
      Value v;
      for (const auto &a : args) {
        v = TRY(eval_arg(dot, *a));
        if (truth(v) == is_or)
          return v;
      }
      return final ? *final : v;
    }
    auto param = [&](size_t i) { return fn->params[std::min(i, fn->params.size() - 1)]; };
    std::vector<Value> argv;
    for (size_t i = 0; i < args.size(); ++i)
      argv.push_back(TRY(typed_arg(dot, param(i), *args[i])));
    if (final)
      argv.push_back(TRY(convert(*final, param(num_in - 1))));
    if (id.name == "json" && argv[0].types() && argv[0].path().empty() && argv[0]->is_object()) {
      if (read_)
        for (const auto &item : argv[0]->items())
          read_->insert(item.key());
      if (marshalled_)
        *marshalled_ = true;
    }
    auto r = fn->call(argv);
    if (!r) {
      at(cmd);
      return errorf("error calling " + id.name + ": " + r.error().message);
    }
    return r;
  }

  // An argument of a function's typed parameter (Go's evalArg with a type).
  Result<Value> typed_arg(const Value &dot, Param p, const Node &n) {
    at(n);
    bool typed = p == Param::string || p == Param::integer || p == Param::strings;
    if (typed && n.type == NodeType::nil && p != Param::strings)
      return errorf(std::string("cannot assign nil to ") + (p == Param::string ? "string" : "int"));
    if (typed &&
        (n.type == NodeType::boolean || n.type == NodeType::number || n.type == NodeType::string)) {
      if (p == Param::string && n.type == NodeType::string)
        return Value::own(static_cast<const StringNode &>(n).text);
      if (p == Param::integer && n.type == NodeType::number &&
          static_cast<const NumberNode &>(n).as_int)
        return Value::own(*static_cast<const NumberNode &>(n).as_int);
      if (p == Param::strings)
        return errorf("can't handle " + n.str() + " for arg of type []string");
      return errorf(std::string("expected ") + (p == Param::string ? "string" : "integer") +
                    "; found " + n.str());
    }
    Value v = TRY(eval_arg(dot, n));
    return convert(v, p);
  }

  // Go's validateType for a computed value.
  Result<Value> convert(const Value &v, Param p) {
    bool nil = !v.valid() || v->is_null();
    switch (p) {
    case Param::value: return v;
    case Param::any: return v.valid() ? v : Value::own(nullptr);
    case Param::strings:
      if (nil)
        return Value::own(json::array()); // a nil []string
      if (v->is_array() &&
          std::all_of(v->begin(), v->end(), [](const json &e) { return e.is_string(); }))
        return v;
      return errorf("wrong type for value; expected []string; got " + type_name(*v));
    case Param::string:
      if (nil)
        return errorf("invalid value; expected string");
      if (v->is_string())
        return v;
      return errorf("wrong type for value; expected string; got " + type_name(*v));
    case Param::integer:
      if (nil)
        return errorf("invalid value; expected int");
      if (v->is_number_integer() && !(v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX))
        return v;
      return errorf("wrong type for value; expected int; got " + type_name(*v));
    }
    return v;
  }

  // An argument of an interface{} or reflect.Value parameter.
  Result<Value> eval_arg(const Value &dot, const Node &n) {
    at(n);
    switch (n.type) {
    case NodeType::dot: return dot;
    case NodeType::nil: return Value::own(nullptr);
    case NodeType::field:
      return eval_field_node(dot, static_cast<const FieldNode &>(n), {}, std::nullopt);
    case NodeType::variable:
      return eval_variable(dot, static_cast<const FieldNode &>(n), {}, std::nullopt);
    case NodeType::pipe: return eval_pipeline(dot, static_cast<const PipeNode &>(n));
    case NodeType::identifier:
      return eval_function(dot, static_cast<const IdentifierNode &>(n), n, {}, std::nullopt);
    case NodeType::chain:
      return eval_chain(dot, static_cast<const ChainNode &>(n), {}, std::nullopt);
    case NodeType::boolean: return Value::own(static_cast<const BoolNode &>(n).value);
    case NodeType::number: return ideal_constant(static_cast<const NumberNode &>(n));
    case NodeType::string: return Value::own(static_cast<const StringNode &>(n).text);
    default:
      return errorf("can't handle assignment of " + n.str() + " to empty interface argument");
    }
  }

  const Tree &tree_;
  Value root_;
  bool missing_key_error_;
  std::set<std::string> *read_;
  bool header_;
  std::string *partial_;
  bool *marshalled_;
  std::string out_;
  const Node *node_ = nullptr;
  std::vector<std::pair<std::string, Value>> vars_;
};

} // namespace

Result<std::string> execute(const Tree &tree, const json &dot, const RenderOptions &opts) {
  return Exec(tree, dot, opts).run();
}

} // namespace skiff::gotmpl::detail
