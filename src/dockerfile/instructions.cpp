// Nodes to typed instructions grouped in stages, as BuildKit's
// instructions/parse.go does it, with its checks and its words.
#include <algorithm>

#include "flags.hpp"
#include "heredoc.hpp"
#include "node.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "text.hpp"

namespace skiff::dockerfile {

namespace {

using Typed = std::variant<Stage, Command>;

Error fail(std::string message) { return Error{Errc::invalid, std::move(message)}; }

Error at_least_one(std::string_view keyword) {
  return fail(fmt::format("{} requires at least one argument", keyword));
}

Error exactly_one(std::string_view keyword) {
  return fail(fmt::format("{} requires exactly one argument", keyword));
}

// Checks flags for an instruction that takes none.
Status no_flags(const Node &node) {
  TRY(parse_flags(node.flags, {}));
  return {};
}

Command command(const Node &node, CommandBody body) {
  return Command{text::upper(node.keyword), std::string(text::trim_space(node.original)), node.line,
                 std::move(body)};
}

CommandLine command_line(const Node &node, std::vector<std::string> args) {
  if (node.json || args.empty())
    return CommandLine{std::move(args), !node.json};
  return CommandLine{{str::join(args, " ")}, true};
}

Result<std::vector<KeyValue>> key_values(const Node &node, std::string_view keyword) {
  if (node.args.empty())
    return at_least_one(keyword);
  std::vector<KeyValue> out;
  for (size_t i = 0; i + 2 < node.args.size(); i += 3) {
    if (node.args[i].empty())
      return fail(fmt::format("{} names can not be blank", keyword));
    out.push_back({node.args[i], node.args[i + 1]});
  }
  return out;
}

Result<CopyCmd> copy(const Node &node, bool add) {
  std::string_view keyword = add ? "ADD" : "COPY";
  if (node.args.size() < 2)
    return fail(fmt::format("{} requires at least two arguments, but only one was provided. "
                            "Destination could not be determined",
                            keyword));
  CopyCmd c;
  c.add = add;
  if (add) {
    auto f = TRY(parse_flags(node.flags, {{"chown", FlagKind::string},
                                          {"chmod", FlagKind::string},
                                          {"link", FlagKind::boolean},
                                          {"keep-git-dir", FlagKind::boolean},
                                          {"checksum", FlagKind::string},
                                          {"unpack", FlagKind::boolean},
                                          {"exclude", FlagKind::strings}}));
    c.chown = f[0].value, c.chmod = f[1].value, c.link = f[2].value == "true";
    c.keep_git_dir = f[3].value == "true";
    c.checksum = f[4].value;
    if (f[5].used)
      c.unpack = f[5].value == "true";
    c.excludes = f[6].values;
  } else {
    auto f = TRY(parse_flags(node.flags, {{"chown", FlagKind::string},
                                          {"from", FlagKind::string},
                                          {"chmod", FlagKind::string},
                                          {"link", FlagKind::boolean},
                                          {"exclude", FlagKind::strings},
                                          {"parents", FlagKind::boolean}}));
    c.chown = f[0].value, c.from = f[1].value, c.chmod = f[2].value;
    c.link = f[3].value == "true";
    c.excludes = f[4].values;
    c.parents = f[5].value == "true";
  }
  c.dest = node.args.back();
  if (TRY(parse_heredoc_word(c.dest)))
    return fail(fmt::format("{} cannot accept a heredoc as a destination", keyword));
  // A source word naming a heredoc takes that heredoc's content; one the
  // line did not open (a JSON array's "<<EOF") is empty, as in BuildKit.
  for (size_t i = 0; i + 1 < node.args.size(); i++) {
    auto h = TRY(parse_heredoc_word(node.args[i]));
    if (!h) {
      c.sources.push_back(node.args[i]);
      continue;
    }
    for (const auto &doc : node.heredocs)
      if (doc.name == h->name)
        h->content = doc.content;
    if (h->chomp)
      h->content = chomp_heredoc(h->content);
    c.heredocs.push_back(std::move(*h));
  }
  return c;
}

// regexp `^[a-z][a-z0-9-_.]*$`
bool valid_stage_name(std::string_view name) {
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  return !name.empty() && lower(name[0]) &&
         std::all_of(name.begin(), name.end(), [&](char c) {
           return lower(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
         });
}

Result<Stage> from(const Node &node) {
  Stage s;
  const auto &a = node.args;
  if (a.size() == 3 && str::lower(a[1]) == "as") {
    s.name = str::lower(a[2]);
    if (!valid_stage_name(s.name))
      return fail(fmt::format(
          "invalid name for build stage: {}, name can't start with a number or contain symbols",
          text::quote(a[2])));
  } else if (a.size() != 1) {
    return fail("FROM requires either one or three arguments");
  }
  auto f = TRY(parse_flags(node.flags, {{"platform", FlagKind::string}}));
  s.base = a[0];
  s.platform = f[0].value;
  s.line = node.line;
  s.original = text::trim_space(node.original);
  return s;
}

Result<OnbuildCmd> onbuild(const Node &node) {
  if (node.args.empty())
    return at_least_one("ONBUILD");
  TRY_STATUS(no_flags(node));
  std::string trigger = text::upper(text::trim_space(node.args[0]));
  if (trigger == "ONBUILD")
    return fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger == "MAINTAINER" || trigger == "FROM")
    return fail(fmt::format("{} isn't allowed as an ONBUILD trigger", trigger));
  // regexp `(?i)^\s*ONBUILD\s*` removed
  auto blank = [](char c) { return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '; };
  std::string_view rest = node.original;
  while (!rest.empty() && blank(rest.front()))
    rest.remove_prefix(1);
  std::string expr(node.original);
  if (text::upper(rest.substr(0, 7)) == "ONBUILD") {
    rest.remove_prefix(7);
    while (!rest.empty() && blank(rest.front()))
      rest.remove_prefix(1);
    expr = rest;
  }
  for (const auto &doc : node.heredocs)
    expr += "\n" + doc.content + doc.name;
  return OnbuildCmd{expr};
}

Result<RunCmd> run(const Node &node) {
  auto f = TRY(parse_flags(node.flags, {{"mount", FlagKind::strings},
                                        {"network", FlagKind::string},
                                        {"security", FlagKind::string}}));
  RunCmd r;
  r.mounts = f[0].values;
  r.network = f[1].value;
  r.security = f[2].value;
  if (f[1].used && r.network != "default" && r.network != "none" && r.network != "host")
    return fail(fmt::format("invalid network mode {}", text::quote(r.network)));
  if (f[2].used && r.security != "insecure" && r.security != "sandbox")
    return fail(fmt::format("security {} is not valid", text::quote(r.security)));
  r.command = command_line(node, node.args);
  for (auto doc : node.heredocs) {
    if (doc.chomp)
      doc.content = chomp_heredoc(doc.content);
    r.heredocs.push_back(std::move(doc));
  }
  if (!r.heredocs.empty() && r.command.args.size() == 1)
    r.script_heredoc = TRY(parse_heredoc_word(r.command.args[0])).has_value();
  return r;
}

// time.ParseDuration, and BuildKit's floor of one millisecond.
Status check_interval(const FlagValue &f, std::string_view name) {
  if (f.value.empty())
    return {};
  auto d = timefmt::parse_go_duration(f.value);
  if (!d)
    return fail(fmt::format("time: invalid duration {}", text::quote(f.value)));
  if (*d != 0 && *d < 1000000)
    return fail(fmt::format("Interval {} cannot be less than 1ms", text::quote(name)));
  return {};
}

Result<HealthcheckCmd> healthcheck(const Node &node) {
  if (node.args.empty())
    return at_least_one("HEALTHCHECK");
  HealthcheckCmd h;
  std::string type = str::lower(node.args[0]);
  std::vector<std::string> args(node.args.begin() + 1, node.args.end());
  if (type == "none") {
    if (!args.empty())
      return fail("HEALTHCHECK NONE takes no arguments");
    h.none = true;
    return h;
  }
  auto f = TRY(parse_flags(node.flags, {{"interval", FlagKind::string},
                                        {"timeout", FlagKind::string},
                                        {"start-period", FlagKind::string},
                                        {"start-interval", FlagKind::string},
                                        {"retries", FlagKind::string}}));
  if (type != "cmd") {
    return fail(fmt::format("Unknown type {} in HEALTHCHECK (try CMD)",
                            text::quote(text::upper(node.args[0]))));
  }
  if (args.empty())
    return fail("Missing command after HEALTHCHECK CMD");
  h.command = command_line(node, args);
  static constexpr std::string_view names[] = {"interval", "timeout", "start-period",
                                               "start-interval"};
  for (size_t i = 0; i < 4; i++)
    TRY_STATUS(check_interval(f[i], names[i]));
  if (!f[4].value.empty()) {
    auto n = str::to_int(f[4].value);
    if (!n || *n > INT32_MAX || *n < INT32_MIN)
      return fail(fmt::format("strconv.ParseInt: parsing {}: {}", text::quote(f[4].value),
                              n ? "value out of range" : "invalid syntax"));
    if (*n < 0)
      return fail(fmt::format("--retries cannot be negative ({})", *n));
  }
  h.interval = f[0].value, h.timeout = f[1].value, h.start_period = f[2].value;
  h.start_interval = f[3].value, h.retries = f[4].value;
  return h;
}

Result<ArgCmd> arg(const Node &node) {
  if (node.args.empty())
    return at_least_one("ARG");
  ArgCmd a;
  for (const auto &word : node.args) {
    if (auto kv = str::cut(word, '=')) {
      if (kv->first.empty())
        return fail("ARG names can not be blank");
      a.args.push_back({kv->first, kv->second});
    } else {
      a.args.push_back({word, std::nullopt});
    }
  }
  return a;
}

Result<VolumeCmd> volume(const Node &node) {
  if (node.args.empty())
    return at_least_one("VOLUME");
  TRY_STATUS(no_flags(node));
  VolumeCmd v;
  for (const auto &p : node.args) {
    auto t = text::trim_space(p);
    if (t.empty())
      return fail("VOLUME specified can not be an empty string");
    v.paths.emplace_back(t);
  }
  return v;
}

Result<std::string> one_argument(const Node &node, std::string_view keyword) {
  if (node.args.size() != 1)
    return exactly_one(keyword);
  TRY_STATUS(no_flags(node));
  return node.args[0];
}

Result<CommandBody> body(const Node &node, const std::string &k) {
  if (k == "env") {
    TRY_STATUS(no_flags(node));
    return CommandBody(EnvCmd{TRY(key_values(node, "ENV"))});
  }
  if (k == "label") {
    TRY_STATUS(no_flags(node));
    return CommandBody(LabelCmd{TRY(key_values(node, "LABEL"))});
  }
  if (k == "maintainer")
    return CommandBody(MaintainerCmd{TRY(one_argument(node, "MAINTAINER"))});
  if (k == "add" || k == "copy")
    return CommandBody(TRY(copy(node, k == "add")));
  if (k == "onbuild")
    return CommandBody(TRY(onbuild(node)));
  if (k == "workdir")
    return CommandBody(WorkdirCmd{TRY(one_argument(node, "WORKDIR"))});
  if (k == "user")
    return CommandBody(UserCmd{TRY(one_argument(node, "USER"))});
  if (k == "run")
    return CommandBody(TRY(run(node)));
  if (k == "cmd" || k == "entrypoint") {
    TRY_STATUS(no_flags(node));
    auto line = command_line(node, node.args);
    return k == "cmd" ? CommandBody(CmdCmd{line}) : CommandBody(EntrypointCmd{line});
  }
  if (k == "healthcheck")
    return CommandBody(TRY(healthcheck(node)));
  if (k == "expose") {
    if (node.args.empty())
      return at_least_one("EXPOSE");
    TRY_STATUS(no_flags(node));
    ExposeCmd e{node.args};
    std::sort(e.ports.begin(), e.ports.end());
    return CommandBody(e);
  }
  if (k == "volume")
    return CommandBody(TRY(volume(node)));
  // BuildKit checks no flags for STOPSIGNAL and ARG.
  if (k == "stopsignal") {
    if (node.args.size() != 1)
      return exactly_one("STOPSIGNAL");
    return CommandBody(StopsignalCmd{node.args[0]});
  }
  if (k == "arg")
    return CommandBody(TRY(arg(node)));
  if (k == "shell") {
    TRY_STATUS(no_flags(node));
    auto line = command_line(node, node.args);
    if (line.args.empty())
      return at_least_one("SHELL");
    if (line.shell_form)
      return fail("SHELL requires the arguments to be in JSON form");
    return CommandBody(ShellCmd{line.args});
  }
  std::string message = "unknown instruction: " + node.keyword;
  static const std::vector<std::string> names = {
      "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
      "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"};
  if (auto match = text::suggest(node.keyword, names, false); !match.empty())
    message += " (did you mean " + match + "?)";
  return fail(message);
}

Result<Typed> typed(const Node &node) {
  std::string k = str::lower(node.keyword);
  if (k == "from")
    return Typed(TRY(from(node)));
  CommandBody b = TRY(body(node, k));
  return Typed(command(node, std::move(b)));
}

} // namespace

Result<Dockerfile> parse(std::string_view text, const std::string &file_name) {
  Nodes nodes = TRY(parse_nodes(text, file_name));
  Dockerfile df;
  df.syntax = nodes.syntax;
  df.escape = nodes.escape;
  for (const auto &node : nodes.nodes) {
    auto t = typed(node);
    if (!t)
      return make_error(Errc::invalid, "{}:{}: {}", file_name, node.line, t.error().message);
    if (auto *stage = std::get_if<Stage>(&*t)) {
      df.stages.push_back(std::move(*stage));
      continue;
    }
    auto &cmd = std::get<Command>(*t);
    if (df.stages.empty()) {
      if (auto *a = std::get_if<ArgCmd>(&cmd.body)) {
        df.meta_args.push_back(std::move(*a));
        continue;
      }
      return make_error(Errc::invalid, "{}:{}: no build stage in current context", file_name,
                        node.line);
    }
    df.stages.back().commands.push_back(std::move(cmd));
  }
  return df;
}

} // namespace skiff::dockerfile
