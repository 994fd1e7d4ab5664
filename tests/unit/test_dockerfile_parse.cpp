// The Dockerfile parser against BuildKit's frontend (parser and
// instructions packages, syntax 1.x): its test files' cases and its words.
#include <catch2/catch.hpp>

#include "skiff/dockerfile/dockerfile.hpp"

using namespace skiff;
using namespace skiff::dockerfile;

namespace {

Dockerfile ok(std::string_view text) {
  auto df = parse(text, "Dockerfile");
  INFO(text);
  if (!df)
    INFO(df.error().message);
  REQUIRE(df);
  return *df;
}

std::string error_of(std::string_view text) {
  auto df = parse(text, "Dockerfile");
  INFO(text);
  REQUIRE_FALSE(df);
  return df.error().message;
}

// The commands of the only stage of `FROM x\n` + text.
std::vector<Command> commands(std::string_view text) {
  auto df = ok("FROM x\n" + std::string(text));
  REQUIRE(df.stages.size() == 1);
  return df.stages[0].commands;
}

template <typename T> T one(std::string_view text) {
  auto cmds = commands(text);
  REQUIRE(cmds.size() == 1);
  REQUIRE(std::holds_alternative<T>(cmds[0].body));
  return std::get<T>(cmds[0].body);
}

template <typename T> std::vector<T> all(std::string_view text) {
  std::vector<T> out;
  for (auto &c : commands(text)) {
    REQUIRE(std::holds_alternative<T>(c.body));
    out.push_back(std::get<T>(c.body));
  }
  return out;
}

std::vector<std::string> shell_lines(std::string_view text) {
  std::vector<std::string> out;
  for (auto &r : all<RunCmd>(text)) {
    REQUIRE(r.command.shell_form);
    REQUIRE(r.command.args.size() == 1);
    out.push_back(r.command.args[0]);
  }
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs pairs(const std::vector<KeyValue> &kvs) {
  Pairs out;
  for (const auto &kv : kvs)
    out.emplace_back(kv.key, kv.value);
  return out;
}

} // namespace

TEST_CASE("directives: syntax and escape at the top only", "[dockerfile]") {
  auto df = ok("# syntax = docker/dockerfile:1\n# escape = `\n\nFROM `\n    image\n");
  CHECK(df.syntax == "docker/dockerfile:1");
  CHECK(df.escape == '`');
  CHECK(df.stages.at(0).base == "image");

  // Case-insensitive names; no blank line needed before the instructions.
  df = ok("#ESCAPE=`\n# There is no blank line\nFROM image\nENV GOPATH `\n\\go\n");
  CHECK(df.escape == '`');
  CHECK(pairs(std::get<EnvCmd>(df.stages[0].commands[0].body).pairs) ==
        Pairs{{"GOPATH", "\\go"}});

  // After a comment that is not a directive, `# escape` is a comment.
  df = ok("# Comment here.\n# escape = `\n\nFROM image\nENV GOPATH \\\n\\go");
  CHECK(df.escape == '\\');
  CHECK(pairs(std::get<EnvCmd>(df.stages[0].commands[0].body).pairs) ==
        Pairs{{"GOPATH", "\\go"}});
  // ... and after a blank line, or an instruction.
  CHECK(ok("\n# escape=`\nFROM x").escape == '\\');
  CHECK(ok("FROM x\n# escape=`\nRUN a").escape == '\\');
  CHECK(ok("FROM x\n# syntax=foo\n").syntax.empty());
  // `# check=` is the linter's: accepted, nothing to keep.
  df = ok("# check=skip=all\n# escape=`\nFROM x");
  CHECK(df.escape == '`');

  CHECK(error_of("# escape=\\\n# escape=`\nFROM x") ==
        "Dockerfile:2: only one escape parser directive can be used");
  CHECK(error_of("# escape=x\nFROM x") ==
        "Dockerfile:1: invalid escape token 'x' does not match ` or \\");
}

TEST_CASE("comments, blank lines and continuations", "[dockerfile]") {
  // BuildKit's testfiles/continueIndent.
  CHECK(shell_lines("RUN echo hello\\\n  world\\\n  goodnight  \\\n  moon\\\n  light\\\nning\n"
                    "RUN echo hello  \\\n  world\n"
                    "RUN echo hello  \\\nworld\n"
                    "RUN echo hello \\\ngoodbye\\\nfrog\n"
                    "RUN echo hello  \\  \nworld\n"
                    "RUN echo hi \\\n \\\n world \\\n\\\n good\\\n\\\nnight\n"
                    "RUN echo goodbye\\\nfrog\n"
                    "RUN echo good\\\nbye\\\nfrog\n\n"
                    "RUN echo hello \\\n# this is a comment\n\n# this is a comment with a blank "
                    "line surrounding it\n\nthis is some more useful stuff\n") ==
        std::vector<std::string>{"echo hello  world  goodnight    moon  lightning",
                                 "echo hello    world", "echo hello  world",
                                 "echo hello goodbyefrog", "echo hello  world",
                                 "echo hi   world  goodnight", "echo goodbyefrog",
                                 "echo goodbyefrog", "echo hello this is some more useful stuff"});
  // testfiles/escapes: empty continuation lines are dropped.
  CHECK(shell_lines("RUN foo \\\n\nbar \\\n\nbaz\n") == std::vector<std::string>{"foo bar baz"});
  // An indented comment inside a continuation is dropped too.
  CHECK(shell_lines("RUN indented \\\n    # a comment\n    comment\n") ==
        std::vector<std::string>{"indented     comment"});
  // testfiles/continue-at-eof.
  CHECK(shell_lines("\nRUN something \\") == std::vector<std::string>{"something"});
  // testfiles/trailing-backslash: an escaped escape does not continue.
  auto envs = all<EnvCmd>("ENV B another\\\\path\nENV C trailing\\\\backslash\\\\\n"
                          "ENV D This should not be appended to C\n"
                          "ENV E hello\\\n\\\nworld\nENV F hello\\\n \\\nworld\n"
                          "ENV G hello \\\n\\\nworld\n");
  Pairs got;
  for (auto &e : envs)
    got.push_back(pairs(e.pairs).at(0));
  CHECK(got == Pairs{{"B", "another\\\\path"},
                     {"C", "trailing\\\\backslash\\\\"},
                     {"D", "This should not be appended to C"},
                     {"E", "helloworld"},
                     {"F", "hello world"},
                     {"G", "hello world"}});
  // Comments: `#` after leading blanks; mid-line `#` is text.
  CHECK(shell_lines("  # a comment\n\t# another\nRUN echo a # not a comment\n") ==
        std::vector<std::string>{"echo a # not a comment"});
}

TEST_CASE("CRLF line endings and a byte-order mark", "[dockerfile]") {
  auto df = ok("\xEF\xBB\xBF# escape=`\r\nFROM x\r\nRUN echo a `\r\n  b\r\nCMD [\"c\"]\r\n");
  CHECK(df.escape == '`');
  auto &cmds = df.stages.at(0).commands;
  REQUIRE(cmds.size() == 2);
  CHECK(std::get<RunCmd>(cmds[0].body).command.args == std::vector<std::string>{"echo a   b"});
  CHECK(cmds[0].line == 3);
  CHECK(std::get<CmdCmd>(cmds[1].body).command.args == std::vector<std::string>{"c"});
  CHECK(cmds[1].line == 5);
}

TEST_CASE("keywords, original text and line numbers", "[dockerfile]") {
  auto df = ok("# syntax=x\n\nfrom busybox AS Build\n\n  run echo a \\\n  # c\n    b  \n"
               "Cmd [\"x\"]\n");
  auto &s = df.stages.at(0);
  CHECK(s.line == 3);
  CHECK(s.original == "from busybox AS Build");
  CHECK(s.name == "build");
  REQUIRE(s.commands.size() == 2);
  CHECK(s.commands[0].keyword == "RUN");
  CHECK(s.commands[0].original == "run echo a     b");
  CHECK(s.commands[0].line == 5);
  CHECK(s.commands[1].keyword == "CMD");
  CHECK(s.commands[1].line == 8);
}

TEST_CASE("flags before the arguments", "[dockerfile]") {
  auto c = one<CopyCmd>("COPY --from=build --chown=1:2 --chmod=644 --link --parents "
                        "--exclude=*.md --exclude='a b' a b /dst/\n");
  CHECK(!c.add);
  CHECK(c.from == "build");
  CHECK(c.chown == "1:2");
  CHECK(c.chmod == "644");
  CHECK(c.link);
  CHECK(c.parents);
  CHECK(c.excludes == std::vector<std::string>{"*.md", "a b"});
  CHECK(c.sources == std::vector<std::string>{"a", "b"});
  CHECK(c.dest == "/dst/");

  auto a = one<CopyCmd>("ADD --checksum=sha256:abc --keep-git-dir=true --link=false --unpack=true "
                        "--chown=u https://x/y.tgz /\n");
  CHECK(a.add);
  CHECK(a.checksum == "sha256:abc");
  CHECK(a.keep_git_dir);
  CHECK(!a.link);
  CHECK(a.unpack == std::optional<bool>(true));
  CHECK(a.chown == "u");
  CHECK(one<CopyCmd>("ADD a /\n").unpack == std::nullopt);

  // testfiles/flags: `--` ends the flags.
  c = one<CopyCmd>("COPY --link -- --foo /tmp/\n");
  CHECK(c.link);
  CHECK(c.sources == std::vector<std::string>{"--foo"});
  // A flag's quotes and escapes go, the arguments' stay.
  c = one<CopyCmd>("COPY --chown=\"a b\" --from=x\\ y 'c d' /e\n");
  CHECK(c.chown == "a b");
  CHECK(c.from == "x y");
  CHECK(c.sources == std::vector<std::string>{"'c", "d'"});

  auto r = one<RunCmd>("RUN --mount=type=cache,target=/c --mount=type=secret,id=s "
                       "--network=none --security=insecure make\n");
  CHECK(r.mounts == std::vector<std::string>{"type=cache,target=/c", "type=secret,id=s"});
  CHECK(r.network == "none");
  CHECK(r.security == "insecure");
  CHECK(r.command.args == std::vector<std::string>{"make"});
  r = one<RunCmd>("RUN make\n");
  CHECK(r.network.empty());
  CHECK(r.security.empty());

  auto df = ok("FROM --platform=$BUILDPLATFORM golang AS b\n");
  CHECK(df.stages.at(0).platform == "$BUILDPLATFORM");
  CHECK(df.stages[0].base == "golang");
}

TEST_CASE("flags an instruction does not take are refused in BuildKit's words", "[dockerfile]") {
  CHECK(error_of("FROM x\nCOPY --user=me foo /tmp/\n") == "Dockerfile:2: unknown flag: --user");
  CHECK(error_of("FROM x\nCOPY --chmown=1 foo /tmp/\n") ==
        "Dockerfile:2: unknown flag: --chmown (did you mean chown?)");
  CHECK(error_of("FROM x\nADD --from=b foo /tmp/\n") == "Dockerfile:2: unknown flag: --from");
  CHECK(error_of("FROM x\nRUN --device=x make\n") == "Dockerfile:2: unknown flag: --device");
  CHECK(error_of("FROM x\nCMD --doit [\"a\"]\n") == "Dockerfile:2: unknown flag: --doit");
  CHECK(error_of("FROM --foo=bar x\n") == "Dockerfile:1: unknown flag: --foo");
  CHECK(error_of("FROM x\nCOPY --from=a --from=b foo /\n") ==
        "Dockerfile:2: duplicate flag specified: --from");
  CHECK(error_of("FROM x\nCOPY --from foo /\n") == "Dockerfile:2: missing a value on flag: --from");
  CHECK(error_of("FROM x\nCOPY --link= foo /\n") == "Dockerfile:2: missing a value on flag: --link");
  CHECK(error_of("FROM x\nCOPY --link=yes foo /\n") ==
        "Dockerfile:2: expecting boolean value for flag --link, not: yes");
  CHECK(error_of("FROM x\nRUN --network=bridge make\n") ==
        "Dockerfile:2: invalid network mode \"bridge\"");
  CHECK(error_of("FROM x\nRUN --security=x make\n") == "Dockerfile:2: security \"x\" is not valid");
  // BuildKit checks no flags for STOPSIGNAL and ARG.
  CHECK(one<StopsignalCmd>("STOPSIGNAL --x SIGKILL\n").signal == "SIGKILL");
}

TEST_CASE("exec form and shell form", "[dockerfile]") {
  // testfiles/json.
  auto cmds = all<CmdCmd>("CMD []\nCMD [\"\"]\nCMD [\"a\"]\nCMD [\"a\",\"b\"]\nCMD [ \"a\", \"b\" ]\n"
                          "CMD [\t\"a\",\t\"b\"\t]\nCMD\t[\t\"a\",\t\"b\"\t]\t\n"
                          "CMD [\"abc 123\", \"♥\", \"\\\" \\\\ \\/ \\n \\t \\u0041\"]\n");
  std::vector<std::vector<std::string>> want = {
      {}, {""}, {"a"}, {"a", "b"}, {"a", "b"}, {"a", "b"}, {"a", "b"},
      {"abc 123", "♥", "\" \\ / \n \t A"}};
  REQUIRE(cmds.size() == want.size());
  for (size_t i = 0; i < want.size(); i++) {
    CHECK(!cmds[i].command.shell_form);
    CHECK(cmds[i].command.args == want[i]);
  }
  // testfiles/jeztah-*: what is not a JSON array is the shell form.
  for (std::string text : {"\"[\\\"echo\\\", \\\"Phew\\\"]\"", "['echo','single quotes']",
                           "[\"echo\", \"unterminated bracket\"", "[\"echo\", \"no quote!]"}) {
    auto c = one<CmdCmd>("CMD " + text + "\n");
    CHECK(c.command.shell_form);
    CHECK(c.command.args == std::vector<std::string>{text});
  }
  // testfiles-negative/shykes-nested-json.
  CHECK(error_of("FROM x\nCMD [ \"echo\", [ \"nested json\" ] ]\n") ==
        "Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only");
  CHECK(error_of("FROM x\nRUN [\"a\", 1]\n") ==
        "Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only");

  auto r = one<RunCmd>("RUN [\"echo\", \"'1234'\"]\n");
  CHECK(!r.command.shell_form);
  CHECK(r.command.args == std::vector<std::string>{"echo", "'1234'"});
  r = one<RunCmd>("RUN    sh -c 'echo root:testpass \\\n        > /tmp/passwd'\n");
  CHECK(r.command.args == std::vector<std::string>{"sh -c 'echo root:testpass         > /tmp/passwd'"});
  auto e = one<EntrypointCmd>("ENTRYPOINT [\"/bin/sh\", \"-c\"]\n");
  CHECK(e.command.args == std::vector<std::string>{"/bin/sh", "-c"});
  CHECK(one<EntrypointCmd>("ENTRYPOINT exec top -b\n").command.args ==
        std::vector<std::string>{"exec top -b"});
  CHECK(one<EntrypointCmd>("ENTRYPOINT []\n").command.args.empty());
  CHECK(one<ShellCmd>("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n").shell ==
        std::vector<std::string>{"/bin/bash", "-o", "pipefail", "-c"});
  CHECK(error_of("FROM x\nSHELL /bin/bash -c\n") ==
        "Dockerfile:2: SHELL requires the arguments to be in JSON form");
  CHECK(error_of("FROM x\nSHELL []\n") == "Dockerfile:2: SHELL requires at least one argument");
}

TEST_CASE("ENV and LABEL keep quotes and escapes for the builder to expand", "[dockerfile]") {
  // testfiles/env.
  auto envs = all<EnvCmd>(
      "ENV name value\nENV name=value\nENV name=value name2=value2\nENV name=\"value value1\"\n"
      "ENV name=value\\ value2\nENV name=\"value'quote space'value2\"\n"
      "ENV name='value\"double quote\"value2'\nENV name=\"a\\\"b\"\nENV name='a\\'b''\n"
      "ENV name=\"''\"\n"
      "ENV name=value \\\n    name1=value1 \\\n    name2=\"value2a \\\n           value2b\" \\\n"
      "\tname4=\"value4a\\\\nvalue4b\" \\\n");
  std::vector<Pairs> want = {
      {{"name", "value"}},
      {{"name", "value"}},
      {{"name", "value"}, {"name2", "value2"}},
      {{"name", "\"value value1\""}},
      {{"name", "value\\ value2"}},
      {{"name", "\"value'quote space'value2\""}},
      {{"name", "'value\"double quote\"value2'"}},
      {{"name", "\"a\\\"b\""}},
      {{"name", "'a\\'b''"}},
      {{"name", "\"''\""}},
      {{"name", "value"},
       {"name1", "value1"},
       {"name2", "\"value2a            value2b\""},
       {"name4", "\"value4a\\\\nvalue4b\""}}};
  REQUIRE(envs.size() == want.size());
  for (size_t i = 0; i < want.size(); i++)
    CHECK(pairs(envs[i].pairs) == want[i]);
  // The legacy form: the rest of the line is the value.
  CHECK(pairs(one<EnvCmd>("ENV SCUBA 1 DUBA 3\n").pairs) == Pairs{{"SCUBA", "1 DUBA 3"}});
  CHECK(pairs(one<EnvCmd>("ENV SCUBA \"1 DUBA 3\"\n").pairs) == Pairs{{"SCUBA", "\"1 DUBA 3\""}});
  CHECK(pairs(one<LabelCmd>("LABEL maintainer docker <docker@docker.io>\n").pairs) ==
        Pairs{{"maintainer", "docker <docker@docker.io>"}});
  CHECK(pairs(one<LabelCmd>("LABEL \"com.example.vendor\"=\"ACME\" version=1.0\n").pairs) ==
        Pairs{{"\"com.example.vendor\"", "\"ACME\""}, {"version", "1.0"}});
  CHECK(pairs(one<EnvCmd>("ENV a= b=\"\"\n").pairs) == Pairs{{"a", ""}, {"b", "\"\""}});

  // testfiles-negative/env_no_value.
  CHECK(error_of("FROM busybox\n\nENV PATH\n") == "Dockerfile:3: ENV must have two arguments");
  CHECK(error_of("FROM x\nLABEL x\n") == "Dockerfile:2: LABEL must have two arguments");
  CHECK(error_of("FROM x\nENV a=b x\n") ==
        "Dockerfile:2: Syntax error - can't find = in \"x\". Must be of the form: name=value");
  CHECK(error_of("FROM x\nENV =b\n") == "Dockerfile:2: ENV names can not be blank");
  CHECK(error_of("FROM x\nLABEL =b\n") == "Dockerfile:2: LABEL names can not be blank");
  CHECK(error_of("FROM x\nENV\n") == "Dockerfile:2: ENV requires at least one argument");
  CHECK(error_of("FROM x\nENV --x a=b\n") == "Dockerfile:2: unknown flag: --x");
}

TEST_CASE("ARG: names with and without values, several a line", "[dockerfile]") {
  // testfiles/args.
  auto df = ok("ARG foo bar=baz\nFROM ubuntu\nARG abc=\"123 456\" def\n");
  REQUIRE(df.meta_args.size() == 1);
  auto &meta = df.meta_args[0].args;
  REQUIRE(meta.size() == 2);
  CHECK(meta[0].key == "foo");
  CHECK(!meta[0].value);
  CHECK(meta[1].key == "bar");
  CHECK(meta[1].value == std::optional<std::string>("baz"));
  auto &a = std::get<ArgCmd>(df.stages.at(0).commands.at(0).body).args;
  REQUIRE(a.size() == 2);
  CHECK(a[0].key == "abc");
  CHECK(a[0].value == std::optional<std::string>("\"123 456\""));
  CHECK(a[1].key == "def");
  CHECK(one<ArgCmd>("ARG empty=\n").args.at(0).value == std::optional<std::string>(""));
  CHECK(error_of("FROM x\nARG =v\n") == "Dockerfile:2: ARG names can not be blank");
  CHECK(error_of("FROM x\nARG\n") == "Dockerfile:2: ARG requires at least one argument");
}

TEST_CASE("heredocs: names, content, expansion and chomping as BuildKit reads them",
          "[dockerfile]") {
  // BuildKit's TestParseExtractsHeredoc.
  auto runs = all<RunCmd>("RUN <<EMPTY\nEMPTY\n"
                          "RUN 3<<EMPTY2\nEMPTY2\n"
                          "RUN \"<<NOHEREDOC\"\n"
                          "RUN <<INDENT\n\tfoo\n\tbar\nINDENT\n"
                          "RUN <<-UNINDENT\n\tbaz\n\tquux\n\tUNINDENT\n"
                          "RUN <<-'NOEXPAND'\n\tdon't expand $NAME\nNOEXPAND\n"
                          "RUN <<COMMENT\n# internal comment\necho foo # trailing\nCOMMENT\n"
                          "RUN --mount=type=cache,target=/foo <<MOUNT\necho hello\nMOUNT\n"
                          "RUN <<eo'f'\necho foo\neof\n"
                          "RUN <<eo\\'f\necho foo\neo'f\n"
                          "RUN <<'e'o\\'f\necho foo\neo'f\n"
                          "RUN <<'one two'\necho bar\none two\n"
                          "RUN <<$EOF\n$EOF\n"
                          "RUN <<  EOF\nEOF\n"
                          "RUN <<  EOF  > foo\nEOF\n"
                          "RUN << -EOF\n-EOF\n");
  struct Want {
    std::string name, content;
    bool expand, chomp;
  };
  std::vector<std::vector<Want>> want = {
      {{"EMPTY", "", true, false}},
      {{"EMPTY2", "", true, false}},
      {},
      {{"INDENT", "\tfoo\n\tbar\n", true, false}},
      {{"UNINDENT", "baz\nquux\n", true, true}},
      {{"NOEXPAND", "don't expand $NAME\n", false, true}},
      {{"COMMENT", "# internal comment\necho foo # trailing\n", true, false}},
      {{"MOUNT", "echo hello\n", true, false}},
      {{"eof", "echo foo\n", false, false}},
      {{"eo'f", "echo foo\n", true, false}},
      {{"eo'f", "echo foo\n", false, false}},
      {{"one two", "echo bar\n", false, false}},
      {{"$EOF", "", true, false}},
      {{"EOF", "", true, false}},
      {{"EOF", "", true, false}},
      {{"-EOF", "", true, false}},
  };
  REQUIRE(runs.size() == want.size());
  for (size_t i = 0; i < want.size(); i++) {
    INFO(i);
    REQUIRE(runs[i].heredocs.size() == want[i].size());
    for (size_t j = 0; j < want[i].size(); j++) {
      CHECK(runs[i].heredocs[j].name == want[i][j].name);
      CHECK(runs[i].heredocs[j].content == want[i][j].content);
      CHECK(runs[i].heredocs[j].expand == want[i][j].expand);
      CHECK(runs[i].heredocs[j].chomp == want[i][j].chomp);
    }
  }
  CHECK(runs[7].mounts == std::vector<std::string>{"type=cache,target=/foo"});
  // A heredoc's body is verbatim: no comments dropped, no continuations.
  auto r = one<RunCmd>("RUN <<EOF\n  # kept \\\n\n\\\nEOF\n");
  CHECK(r.heredocs.at(0).content == "  # kept \\\n\n\\\n");
  // Several on one line, in order; CRLF kept in the content.
  auto c = one<CopyCmd>("COPY <<X <<Y /dest\r\nY\r\nX\r\nX\r\nY\r\n");
  REQUIRE(c.heredocs.size() == 2);
  CHECK(c.heredocs[0].name == "X");
  CHECK(c.heredocs[0].content == "Y\r\n");
  CHECK(c.heredocs[1].name == "Y");
  CHECK(c.heredocs[1].content == "X\r\n");
  // JSON forms open none (TestParseJSONHeredoc).
  auto j = one<RunCmd>("RUN [\"<<EOF\"]\n");
  CHECK(j.heredocs.empty());
  CHECK(j.command.args == std::vector<std::string>{"<<EOF"});
  // Other instructions open none: the next line is an instruction.
  CHECK(error_of("FROM x\nUSER <<INVALID\nINVALID\n") ==
        "Dockerfile:3: unknown instruction: INVALID");
  // A line that does not lex as words (an open quote) opens none.
  auto open_quote = commands("RUN echo \"a <<EOF\nRUN b\n");
  CHECK(open_quote.size() == 2);
  // A JSON COPY's "<<EOF" source is a heredoc nothing opened: empty, as in BuildKit.
  auto json_copy = one<CopyCmd>("COPY [\"<<EOF\", \"/dest\"]\n");
  CHECK(json_copy.sources.empty());
  REQUIRE(json_copy.heredocs.size() == 1);
  CHECK(json_copy.heredocs[0].name == "EOF");
  CHECK(json_copy.heredocs[0].content.empty());
  CHECK(error_of("FROM x\nRUN <<EOF\necho\n") == "Dockerfile:2: unterminated heredoc");
  CHECK(error_of("FROM x\nRUN <<A <<B\nA\nb\n") == "Dockerfile:2: unterminated heredoc");
}

TEST_CASE("RUN heredocs: the script alone or fed to the command", "[dockerfile]") {
  auto r = one<RunCmd>("RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n");
  CHECK(r.script_heredoc);
  CHECK(r.command.shell_form);
  CHECK(r.command.args == std::vector<std::string>{"<<EOF"});
  CHECK(r.heredocs.at(0).content == "#!/usr/bin/env python3\nprint(1)\n");
  r = one<RunCmd>("RUN <<-'EOF'\n\techo $HOME\nEOF\n");
  CHECK(r.script_heredoc);
  CHECK(r.heredocs.at(0).content == "echo $HOME\n");
  r = one<RunCmd>("RUN <<COMPLEX python3\nprint('hello world')\nCOMPLEX\n");
  CHECK(!r.script_heredoc);
  CHECK(r.command.args == std::vector<std::string>{"<<COMPLEX python3"});
  CHECK(r.heredocs.at(0).content == "print('hello world')\n");
  r = one<RunCmd>("RUN python3 <<EOF > /out\nprint(1)\nEOF\n");
  CHECK(!r.script_heredoc);
  r = one<RunCmd>("RUN <<A <<B\na\nA\nb\nB\n");
  CHECK(!r.script_heredoc);
  CHECK(r.heredocs.size() == 2);
}

TEST_CASE("COPY and ADD heredocs are sources", "[dockerfile]") {
  auto c = one<CopyCmd>("COPY <<FILE1 a <<-\"FILE2\" /dest\ncontent 1\nFILE1\n\tcontent $2\n"
                        "FILE2\n");
  CHECK(c.sources == std::vector<std::string>{"a"});
  CHECK(c.dest == "/dest");
  REQUIRE(c.heredocs.size() == 2);
  CHECK(c.heredocs[0].name == "FILE1");
  CHECK(c.heredocs[0].content == "content 1\n");
  CHECK(c.heredocs[0].expand);
  CHECK(c.heredocs[1].name == "FILE2");
  CHECK(c.heredocs[1].content == "content $2\n");
  CHECK(!c.heredocs[1].expand);
  auto a = one<CopyCmd>("ADD <<file.txt /dest\n\"foo\"\n'bar'\nfile.txt\n");
  CHECK(a.heredocs.at(0).name == "file.txt");
  CHECK(a.heredocs.at(0).content == "\"foo\"\n'bar'\n");
  CHECK(a.sources.empty());
  CHECK(error_of("FROM x\nCOPY a <<EOF\nx\nEOF\n") ==
        "Dockerfile:2: COPY cannot accept a heredoc as a destination");
  CHECK(error_of("FROM x\nCOPY a\n") ==
        "Dockerfile:2: COPY requires at least two arguments, but only one was provided. "
        "Destination could not be determined");
  CHECK(error_of("FROM x\nADD a\n") ==
        "Dockerfile:2: ADD requires at least two arguments, but only one was provided. "
        "Destination could not be determined");
  // testfiles/ADD-COPY-with-JSON.
  c = one<CopyCmd>("COPY\t[ \"test file\", \"/tmp\" ]\n");
  CHECK(c.sources == std::vector<std::string>{"test file"});
  CHECK(c.dest == "/tmp");
  a = one<CopyCmd>("ADD\t\t.\t/\n");
  CHECK(a.sources == std::vector<std::string>{"."});
  CHECK(a.dest == "/");
}

TEST_CASE("FROM: base, stage name, platform; stages and meta ARGs", "[dockerfile]") {
  auto df = ok("ARG V=1\nARG B\nFROM alpine:$V as Builder\nRUN a\nFROM scratch\nCOPY --from=builder "
               "/a /a\nfrom busybox AS last.stage-1_x\n");
  CHECK(df.meta_args.size() == 2);
  REQUIRE(df.stages.size() == 3);
  CHECK(df.stages[0].base == "alpine:$V");
  CHECK(df.stages[0].name == "builder");
  CHECK(df.stages[0].line == 3);
  CHECK(df.stages[0].commands.size() == 1);
  CHECK(df.stages[1].base == "scratch");
  CHECK(df.stages[1].name.empty());
  CHECK(df.stages[1].commands.size() == 1);
  CHECK(df.stages[2].name == "last.stage-1_x");
  CHECK(df.stages[2].commands.empty());

  CHECK(error_of("FROM a b\n") == "Dockerfile:1: FROM requires either one or three arguments");
  CHECK(error_of("FROM\n") == "Dockerfile:1: FROM requires either one or three arguments");
  CHECK(error_of("FROM a is b\n") == "Dockerfile:1: FROM requires either one or three arguments");
  CHECK(error_of("FROM a AS 1st\n") ==
        "Dockerfile:1: invalid name for build stage: \"1st\", name can't start with a number or "
        "contain symbols");
  CHECK(error_of("FROM a AS b$c\n") ==
        "Dockerfile:1: invalid name for build stage: \"b$c\", name can't start with a number or "
        "contain symbols");
  CHECK(error_of("ARG a\nRUN echo\nFROM x\n") == "Dockerfile:2: no build stage in current context");
  CHECK(error_of("\nENV a=b\n") == "Dockerfile:2: no build stage in current context");
}

TEST_CASE("ONBUILD keeps its instruction as written", "[dockerfile]") {
  auto o = all<OnbuildCmd>("ONBUILD RUN [\"echo\", \"test\"]\nonbuild   COPY . /\n"
                           "ONBUILD RUN <<EOF\n\techo hi\nEOF\n");
  REQUIRE(o.size() == 3);
  CHECK(o[0].expression == "RUN [\"echo\", \"test\"]");
  CHECK(o[1].expression == "COPY . /");
  CHECK(o[2].expression == "RUN <<EOF\n\techo hi\nEOF");
  CHECK(error_of("FROM x\nONBUILD ONBUILD RUN a\n") ==
        "Dockerfile:2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  CHECK(error_of("FROM x\nONBUILD from y\n") ==
        "Dockerfile:2: FROM isn't allowed as an ONBUILD trigger");
  CHECK(error_of("FROM x\nONBUILD MAINTAINER me\n") ==
        "Dockerfile:2: MAINTAINER isn't allowed as an ONBUILD trigger");
  CHECK(error_of("FROM x\nONBUILD\n") == "Dockerfile:2: ONBUILD requires at least one argument");
  CHECK(error_of("FROM x\nONBUILD --x RUN a\n") == "Dockerfile:2: unknown flag: --x");
  // The inner instruction's flags stay in the expression.
  CHECK(one<OnbuildCmd>("ONBUILD RUN --mount=type=cache,target=/c make\n").expression ==
        "RUN --mount=type=cache,target=/c make");
  // The inner line is parsed now: its syntax errors show at once.
  CHECK(error_of("FROM x\nONBUILD ENV a=b c\n") ==
        "Dockerfile:2: Syntax error - can't find = in \"c\". Must be of the form: name=value");
}

TEST_CASE("HEALTHCHECK", "[dockerfile]") {
  auto hs = all<HealthcheckCmd>(
      "HEALTHCHECK --interval=5s --timeout=3s --retries=3 \\\n  CMD /app/check.sh --quiet\n"
      "HEALTHCHECK   CMD   a b\nHEALTHCHECK --timeout=3s CMD [\"foo\"]\n"
      "HEALTHCHECK --start-period=0s --start-interval=1ms --interval=5s --timeout=0s "
      "--retries=0 CMD [\"foo\"]\nhealthcheck none\n");
  REQUIRE(hs.size() == 5);
  CHECK(hs[0].interval == "5s");
  CHECK(hs[0].timeout == "3s");
  CHECK(hs[0].retries == "3");
  CHECK(hs[0].command.shell_form);
  CHECK(hs[0].command.args == std::vector<std::string>{"/app/check.sh --quiet"});
  CHECK(hs[1].command.args == std::vector<std::string>{"a b"});
  CHECK(!hs[2].command.shell_form);
  CHECK(hs[2].command.args == std::vector<std::string>{"foo"});
  CHECK(hs[3].start_period == "0s");
  CHECK(hs[3].start_interval == "1ms");
  CHECK(hs[4].none);
  CHECK(hs[4].command.args.empty());

  CHECK(error_of("FROM x\nHEALTHCHECK\n") ==
        "Dockerfile:2: HEALTHCHECK requires at least one argument");
  CHECK(error_of("FROM x\nHEALTHCHECK CMD\n") ==
        "Dockerfile:2: Missing command after HEALTHCHECK CMD");
  CHECK(error_of("FROM x\nHEALTHCHECK CONNECT TCP 7000\n") ==
        "Dockerfile:2: Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)");
  CHECK(error_of("FROM x\nHEALTHCHECK NONE x\n") ==
        "Dockerfile:2: HEALTHCHECK NONE takes no arguments");
  CHECK(error_of("FROM x\nHEALTHCHECK --interval=1us CMD a\n") ==
        "Dockerfile:2: Interval \"interval\" cannot be less than 1ms");
  CHECK(error_of("FROM x\nHEALTHCHECK --timeout=soon CMD a\n") ==
        "Dockerfile:2: time: invalid duration \"soon\"");
  CHECK(error_of("FROM x\nHEALTHCHECK --retries=-1 CMD a\n") ==
        "Dockerfile:2: --retries cannot be negative (-1)");
  CHECK(error_of("FROM x\nHEALTHCHECK --retries=x CMD a\n") ==
        "Dockerfile:2: strconv.ParseInt: parsing \"x\": invalid syntax");
  CHECK(error_of("FROM x\nHEALTHCHECK --port=1 CMD a\n") == "Dockerfile:2: unknown flag: --port");
}

TEST_CASE("the single-argument instructions, EXPOSE and VOLUME", "[dockerfile]") {
  CHECK(one<WorkdirCmd>("WORKDIR /a b\n").path == "/a b");
  CHECK(one<UserCmd>("USER docker:root\n").user == "docker:root");
  CHECK(one<MaintainerCmd>("MAINTAINER Erik \\\\Hollensbe <e@h.org>\\\"\n").name ==
        "Erik \\\\Hollensbe <e@h.org>\\\"");
  CHECK(one<StopsignalCmd>("STOPSIGNAL SIGTERM\n").signal == "SIGTERM");
  CHECK(one<ExposeCmd>("EXPOSE 9000 5000/udp  6000\n").ports ==
        std::vector<std::string>{"5000/udp", "6000", "9000"});
  CHECK(one<VolumeCmd>("VOLUME [\"/test\", \"/test2\"]\n").paths ==
        std::vector<std::string>{"/test", "/test2"});
  CHECK(one<VolumeCmd>("VOLUME /a  /b\n").paths == std::vector<std::string>{"/a", "/b"});
  CHECK(one<VolumeCmd>("VOLUME [\" /c \"]\n").paths == std::vector<std::string>{"/c"});
  CHECK(error_of("FROM x\nVOLUME [\"\"]\n") ==
        "Dockerfile:2: VOLUME specified can not be an empty string");
  CHECK(error_of("FROM x\nVOLUME\n") == "Dockerfile:2: VOLUME requires at least one argument");
  CHECK(error_of("FROM x\nEXPOSE\n") == "Dockerfile:2: EXPOSE requires at least one argument");
  CHECK(error_of("FROM x\nWORKDIR\n") == "Dockerfile:2: WORKDIR requires exactly one argument");
  CHECK(error_of("FROM x\nUSER\n") == "Dockerfile:2: USER requires exactly one argument");
  CHECK(error_of("FROM x\nSTOPSIGNAL\n") == "Dockerfile:2: STOPSIGNAL requires exactly one argument");
  CHECK(error_of("FROM x\nMAINTAINER\n") ==
        "Dockerfile:2: MAINTAINER requires exactly one argument");
  CHECK(error_of("FROM x\nWORKDIR --x /a\n") == "Dockerfile:2: unknown flag: --x");
}

TEST_CASE("errors name the file and the line, in BuildKit's words", "[dockerfile]") {
  CHECK(error_of("FROM x\nXYZZY bar\n") == "Dockerfile:2: unknown instruction: XYZZY");
  CHECK(error_of("FROM x\nFOO bar\n") ==
        "Dockerfile:2: unknown instruction: FOO (did you mean FROM?)");
  CHECK(error_of("FROM x\nform y\n") == "Dockerfile:2: unknown instruction: form (did you mean from?)");
  CHECK(error_of("FROM x\nCOPPY a b\n") ==
        "Dockerfile:2: unknown instruction: COPPY (did you mean COPY?)");
  // A continued instruction's error is at its first line.
  CHECK(error_of("FROM x\n\nRUN a \\\n  b\nXYZZY \\\n  c\n") ==
        "Dockerfile:5: unknown instruction: XYZZY");
  // Line errors come before instruction errors, as BuildKit parses all lines first.
  CHECK(error_of("FROM x\nFOO\nENV a\n") == "Dockerfile:3: ENV must have two arguments");
  // testfiles-negative/empty_dockerfile and only_comments.
  CHECK(error_of("") == "Dockerfile:1: file with no instructions");
  CHECK(error_of("# Hello\n# These are just comments\n\n") ==
        "Dockerfile:3: file with no instructions");
  CHECK(error_of("FROM x\nLABEL a=" + std::string(70000, 'a') + "\n") ==
        "Dockerfile:2: dockerfile line greater than max allowed size of 65535");
  auto df = parse("XYZZY\n", "/ctx/Containerfile");
  REQUIRE_FALSE(df);
  CHECK(df.error().message == "/ctx/Containerfile:1: unknown instruction: XYZZY");
  CHECK(df.error().code == Errc::invalid);
}
