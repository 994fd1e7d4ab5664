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

// `<<EOF` ... `EOF`: a here-document of RUN, COPY or ADD.
struct Heredoc {
  std::string name;     // the delimiter word, unquoted ("EOF")
  std::string content;  // the lines between, each ending in '\n' (tabs stripped for `<<-`)
  bool expand = true;   // false when the delimiter was quoted ('EOF' or "EOF")
  bool chomp = false;   // `<<-`
};

// RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD: exec form (a JSON array,
// `args` its elements) or shell form (`args` one string: the text as
// written after the keyword and flags, continuations joined).
struct CommandLine {
  std::vector<std::string> args;
  bool shell_form = true;
};

struct KeyValue {
  std::string key, value;
};

struct ArgDecl {
  std::string key;
  std::optional<std::string> value;  // `ARG K` has none
};

struct RunCmd {
  CommandLine command;
  std::vector<std::string> mounts;  // each --mount's value as written
  std::string network;              // --network, empty when not given
  std::string security;             // --security, empty when not given
  std::vector<Heredoc> heredocs;
};

// COPY and ADD.
struct CopyCmd {
  bool add = false;
  std::vector<std::string> sources;  // as written (wildcards, URLs for ADD); heredocs are in `heredocs`
  std::vector<Heredoc> heredocs;     // sources given as here-documents, in order
  std::string dest;
  std::string from, chown, chmod, checksum;  // flags, empty when not given
  bool link = false, parents = false, keep_git_dir = false;
  std::vector<std::string> excludes;  // each --exclude
};

struct EnvCmd { std::vector<KeyValue> pairs; };
struct LabelCmd { std::vector<KeyValue> pairs; };
struct ArgCmd { std::vector<ArgDecl> args; };
struct WorkdirCmd { std::string path; };
struct UserCmd { std::string user; };
struct ExposeCmd { std::vector<std::string> ports; };
struct VolumeCmd { std::vector<std::string> paths; };
struct EntrypointCmd { CommandLine command; };
struct CmdCmd { CommandLine command; };
struct ShellCmd { std::vector<std::string> shell; };
struct StopsignalCmd { std::string signal; };
struct MaintainerCmd { std::string name; };
struct OnbuildCmd { std::string expression; };  // the instruction to run later, as written

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
  std::string original;  // the instruction as written, continuations joined ("RUN apk add x")
  int line = 0;          // 1-based line where it starts
  CommandBody body;
};

struct Stage {
  std::string base;      // FROM's image as written (may hold $ARGs), or "scratch"
  std::string name;      // AS name, lower-cased as BuildKit does; empty when none
  std::string platform;  // --platform as written
  int line = 0;
  std::string original;
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
