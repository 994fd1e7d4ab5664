// A Dockerfile as BuildKit's frontend (dockerfile/parser and
// dockerfile/instructions, syntax 1.x) reads it: parser directives, line
// continuations, comments, heredocs, exec (JSON) and shell forms, then
// typed instructions grouped into stages. Pure: nothing is expanded here
// (ARG and ENV values change as a stage runs, so the builder expands each
// instruction's words when it reaches it, with expand.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::dockerfile {

// `<<EOF` ... `EOF`: a here-document of RUN, COPY or ADD (shell form only).
// COPY/ADD: each is a source, a file named `name` holding `content`,
// expanded with the stage's ARG/ENV first when `expand`. RUN: see RunCmd.
struct Heredoc {
  std::string name;     // the delimiter word, unquoted ("EOF")
  std::string content;  // the lines between, as written with their line endings
                        // (leading tabs stripped for `<<-`)
  bool expand = true;   // false when any part of the delimiter was quoted ('EOF', E"O"F)
  bool chomp = false;   // `<<-`
};

// RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD: exec form (a JSON array,
// `args` its elements) or shell form (`args` one string: the text as
// written after the keyword and flags, continuations joined).
struct CommandLine {
  std::vector<std::string> args;
  bool shell_form = true;
};

// ENV and LABEL pairs as written, quotes and escapes kept: `K="a b"` gives
// key `K`, value `"a b"`; the legacy `ENV K a b` gives value `a b` (the rest
// of the line). The builder expands each with expand_word, which removes them.
struct KeyValue {
  std::string key, value;
};

struct ArgDecl {
  std::string key;                   // as written, like KeyValue
  std::optional<std::string> value;  // `ARG K` has none
};

// RUN with heredocs (shell form), as BuildKit's dispatchRun runs it:
// - `script_heredoc` (the command is one heredoc word alone, `RUN <<EOF`):
//   heredocs[0].content is the script. When it starts with "#!", it is
//   written as an executable file /dev/pipes/NAME (0755, on a read-only
//   mount) and the command is that path; otherwise the command is the
//   content itself. Either goes to the shell like any shell form.
// - otherwise (`RUN python3 <<EOF`, several heredocs): the shell gets the
//   command line followed, for each heredoc, by "\n" + content + name, and
//   reads the heredocs itself.
// `expand` plays no part for RUN: the shell decides.
struct RunCmd {
  CommandLine command;
  std::vector<std::string> mounts;  // each --mount's value as written
  std::string network;              // --network (default, none, host), empty when not given
  std::string security;             // --security (sandbox, insecure), empty when not given
  std::vector<Heredoc> heredocs;
  bool script_heredoc = false;
};

// COPY (--from, --chown, --chmod, --link, --parents, --exclude) and ADD
// (--chown, --chmod, --link, --checksum, --keep-git-dir, --unpack, --exclude).
struct CopyCmd {
  bool add = false;
  std::vector<std::string> sources;  // as written (wildcards, URLs for ADD); heredocs are in `heredocs`
  std::vector<Heredoc> heredocs;     // sources given as here-documents, in order
  std::string dest;
  std::string from, chown, chmod, checksum;  // flags, empty when not given
  bool link = false, parents = false, keep_git_dir = false;
  std::optional<bool> unpack;         // ADD --unpack, none when not given
  std::vector<std::string> excludes;  // each --exclude
};

struct EnvCmd { std::vector<KeyValue> pairs; };
struct LabelCmd { std::vector<KeyValue> pairs; };
struct ArgCmd { std::vector<ArgDecl> args; };
struct WorkdirCmd { std::string path; };
struct UserCmd { std::string user; };
struct ExposeCmd { std::vector<std::string> ports; };  // sorted, as BuildKit sorts them
struct VolumeCmd { std::vector<std::string> paths; };
struct EntrypointCmd { CommandLine command; };
struct CmdCmd { CommandLine command; };
struct ShellCmd { std::vector<std::string> shell; };
struct StopsignalCmd { std::string signal; };
struct MaintainerCmd { std::string name; };
// The instruction to run later, as written (its heredocs appended as
// "\n" + content + name, unchomped), for the image's OnBuild list.
struct OnbuildCmd { std::string expression; };

// HEALTHCHECK NONE (`none` set, nothing else) or HEALTHCHECK [OPTIONS] CMD ...
// The durations are as written ("30s"): the builder parses them.
struct HealthcheckCmd {
  bool none = false;
  CommandLine command;
  std::string interval, timeout, start_period, start_interval, retries;
};

using CommandBody = std::variant<RunCmd, CopyCmd, EnvCmd, LabelCmd, ArgCmd, WorkdirCmd, UserCmd,
                                 ExposeCmd, VolumeCmd, EntrypointCmd, CmdCmd, ShellCmd,
                                 StopsignalCmd, MaintainerCmd, OnbuildCmd, HealthcheckCmd>;

struct Command {
  std::string keyword;   // upper case: "RUN"
  std::string original;  // the instruction as written, continuations joined, trimmed ("RUN apk add x")
  int line = 0;          // 1-based line where it starts
  CommandBody body;
};

struct Stage {
  std::string base;      // FROM's image as written (may hold $ARGs), or "scratch"
  std::string name;      // AS name, lower-cased as BuildKit does; empty when none
  std::string platform;  // --platform as written
  int line = 0;
  std::string original;  // the FROM line, as Command::original
  std::vector<Command> commands;
};

struct Dockerfile {
  std::vector<ArgCmd> meta_args;  // ARGs before the first FROM
  std::vector<Stage> stages;
  std::string syntax;             // `# syntax=` directive, if any
  char escape = '\\';
};

// Parses `text`, read from `file_name` (used in errors). A malformed line
// or an unknown instruction fails the whole file before anything runs:
// "FILE:LINE: MESSAGE" with BuildKit's words in MESSAGE
// ("unknown instruction: FOO", "FROM requires either one or three arguments").
Result<Dockerfile> parse(std::string_view text, const std::string &file_name);

} // namespace skiff::dockerfile
