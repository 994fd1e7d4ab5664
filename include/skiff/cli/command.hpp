// The CLI's command table: each command is data (name, usage, flags with
// their completers) plus a run function, so help, man pages and shell
// completion all come from one place.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/util/result.hpp"

namespace skiff::cli {

// optional: a value only as --name=VALUE; alone, "true" (podman's
// `build --pull[=POLICY]`).
enum class FlagKind { boolean, value, list, optional };

struct Flag {
  std::string name;       // long name without dashes
  char shorthand = 0;
  FlagKind kind = FlagKind::boolean;
  std::string help;
  std::string completer;  // "containers", "images", "volumes", "signals", "files", "none", ...
  std::string value_name; // shown in help: "string", "list", "int"
};

struct Args {
  std::map<std::string, std::vector<std::string>> values;
  std::vector<std::string> positional;

  bool has(const std::string &name) const { return values.count(name) > 0; }
  bool flag(const std::string &name) const;
  std::string get(const std::string &name, const std::string &def = "") const;
  std::vector<std::string> all(const std::string &name) const;
};

class Context;

struct Command {
  std::string name;                   // "run", "volume create"
  std::string usage;                  // "[OPTIONS] IMAGE [COMMAND] [ARG...]"
  std::string summary;
  std::vector<Flag> flags;
  std::string positional_completer;   // for the positional words
  bool interspersed = true;           // false: flags stop at the first positional
  bool needs_userns = false;          // rootless: writes files owned by mapped IDs
  int min_args = 0;
  int max_args = -1;
  std::vector<std::string> aliases;   // "container run", "ls" ...
  int (*run)(Context &, const Args &) = nullptr;
};

const std::vector<Command> &commands();
const Command *find_command(std::string_view name);

Result<Args> parse_args(const Command &cmd, const std::vector<std::string> &argv);

// What every command gets: global options and the engine, opened on first
// use (entering the user namespace when the command needs it).
class Context {
public:
  Context(engine::Options opts, bool userns) : opts_(std::move(opts)), userns_(userns) {}
  Result<engine::Engine *> engine();
  // The full ID of the container named by name, ID or ID prefix.
  Result<std::string> container_id(const std::string &name);
  const engine::Options &options() const { return opts_; }

private:
  engine::Options opts_;
  bool userns_;
  std::optional<engine::Engine> engine_;
};

// Prints "skiff: <message>" on stderr and returns the exit code: the
// error's own when it has one (126, 127), else the command's (Docker exits
// 125 for run and for bad flags, Errc::usage, 1 for other commands).
int fail(const Error &e);
void set_command_error_code(int code);
int fail_text(const std::string &message, int code = kExitRuntime);

std::string help_text(const Command &cmd);

// Docker's confirmation: prints `warning` and "Are you sure you want to
// continue? [y/N] "; true only for y or yes.
bool confirm(const std::string &warning);

} // namespace skiff::cli
