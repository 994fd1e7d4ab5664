#include "skiff/cli/command.hpp"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "skiff/util/strings.hpp"

namespace skiff::cli {

bool Args::flag(const std::string &name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty())
    return false;
  const auto &v = it->second.back();
  return v != "false" && v != "0";
}

std::string Args::get(const std::string &name, const std::string &def) const {
  auto it = values.find(name);
  return it == values.end() || it->second.empty() ? def : it->second.back();
}

std::vector<std::string> Args::all(const std::string &name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

static const Flag *long_flag(const Command &cmd, std::string_view name) {
  for (const auto &f : cmd.flags)
    if (f.name == name)
      return &f;
  return nullptr;
}

static const Flag *short_flag(const Command &cmd, char c) {
  for (const auto &f : cmd.flags)
    if (f.shorthand == c)
      return &f;
  return nullptr;
}

Result<Args> parse_args(const Command &cmd, const std::vector<std::string> &argv) {
  Args a;
  bool flags_done = false;
  auto bad = [&](std::string msg) {
    return Error{Errc::invalid, fmt::format("{}\nSee 'skiff {} --help'.", msg, cmd.name),
                 kExitRuntime};
  };
  for (size_t i = 0; i < argv.size(); i++) {
    const std::string &w = argv[i];
    if (flags_done || w.size() < 2 || w[0] != '-') {
      a.positional.push_back(w);
      if (!cmd.interspersed)
        flags_done = true;
      continue;
    }
    if (w == "--") {
      flags_done = true;
      continue;
    }
    if (w[1] == '-') {
      std::string name = w.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      const Flag *f = long_flag(cmd, name);
      if (!f)
        return bad(fmt::format("unknown flag: --{}", name));
      if (f->kind == FlagKind::boolean) {
        if (has_value && value != "true" && value != "false")
          return bad(fmt::format("invalid argument \"{}\" for \"--{}\" flag: expected true or false",
                                 value, name));
        a.values[f->name].push_back(has_value ? value : "true");
        continue;
      }
      if (f->kind == FlagKind::optional) {
        a.values[f->name].push_back(has_value ? value : "true");
        continue;
      }
      if (!has_value) {
        if (i + 1 >= argv.size())
          return bad(fmt::format("flag needs an argument: --{}", name));
        value = argv[++i];
      }
      a.values[f->name].push_back(value);
      continue;
    }
    // Short flags, combinable: -it, -e X, -eX.
    for (size_t k = 1; k < w.size(); k++) {
      const Flag *f = short_flag(cmd, w[k]);
      if (!f)
        return bad(fmt::format("unknown shorthand flag: '{}' in {}", w[k], w));
      if (f->kind == FlagKind::boolean || f->kind == FlagKind::optional) {
        // pflag's "-H=false": the rest of the word is the value.
        if (k + 1 < w.size() && w[k + 1] == '=') {
          std::string value = w.substr(k + 2);
          if (value != "true" && value != "false")
            return bad(fmt::format("invalid argument \"{}\" for \"-{}\" flag: expected true or false",
                                   value, w[k]));
          a.values[f->name].push_back(value);
          break;
        }
        a.values[f->name].push_back("true");
        continue;
      }
      std::string value = w.substr(k + 1);
      if (!value.empty() && value[0] == '=')
        value.erase(0, 1);
      if (value.empty()) {
        if (i + 1 >= argv.size())
          return bad(fmt::format("flag needs an argument: '{}' in {}", w[k], w));
        value = argv[++i];
      }
      a.values[f->name].push_back(value);
      break;
    }
  }
  // docker/cli's filter flag (opts.FilterOpt) refuses a word without "="
  // as it parses the flag: a flag error, exit 125.
  for (const auto &f : cmd.flags) {
    if (f.value_name != "filter" || !a.has(f.name))
      continue;
    for (const auto &v : a.values[f.name])
      if (v.find('=') == std::string::npos)
        return Error{Errc::invalid,
                     fmt::format("invalid argument \"{}\" for \"{}--{}\" flag: bad format of filter "
                                 "(expected name=value)\nSee 'skiff {} --help'.",
                                 v, f.shorthand ? fmt::format("-{}, ", f.shorthand) : "", f.name, cmd.name),
                     kExitRuntime};
  }
  // A wrong argument count is a plain error in docker/cli (cli/required.go,
  // v28): its message, the usage line and a --help hint, and exit 1, not
  // the 125 of a bad flag.
  auto bad_count = [&](std::string msg) {
    return Error{Errc::invalid,
                 fmt::format("{}\n\nUsage:  skiff {} {}\n\nRun 'skiff {} --help' for more information",
                             msg, cmd.name, cmd.usage, cmd.name),
                 1};
  };
  auto plural = [](int n) { return fmt::format("{} argument{}", n, n == 1 ? "" : "s"); };
  const size_t n = a.positional.size();
  const bool too_few = n < static_cast<size_t>(cmd.min_args);
  const bool too_many = cmd.max_args >= 0 && n > static_cast<size_t>(cmd.max_args);
  if (too_few || too_many) {
    if (cmd.max_args == 0)
      return bad_count(fmt::format("'skiff {}' accepts no arguments", cmd.name));
    if (cmd.min_args == cmd.max_args)
      return bad_count(fmt::format("'skiff {}' requires {}", cmd.name, plural(cmd.min_args)));
    if (cmd.min_args > 0 && cmd.max_args > 0)
      return bad_count(fmt::format("'skiff {}' requires at least {} and at most {}", cmd.name,
                                   cmd.min_args, plural(cmd.max_args)));
    if (too_few)
      return bad_count(fmt::format("'skiff {}' requires at least {}", cmd.name, plural(cmd.min_args)));
    return bad_count(fmt::format("'skiff {}' requires at most {}", cmd.name, plural(cmd.max_args)));
  }
  return a;
}

std::string help_text(const Command &cmd) {
  std::string out = fmt::format("\nUsage:  skiff {} {}\n\n{}\n", cmd.name, cmd.usage, cmd.summary);
  if (!cmd.aliases.empty()) {
    out += "\nAliases:\n  skiff " + cmd.name;
    for (const auto &a : cmd.aliases)
      out += ", skiff " + a;
    out += "\n";
  }
  if (!cmd.flags.empty()) {
    out += "\nOptions:\n";
    std::vector<std::string> lefts;
    size_t width = 32;  // wider when a flag needs it, keeping two spaces
    for (const auto &f : cmd.flags) {
      std::string left = f.shorthand ? fmt::format("  -{}, --{}", f.shorthand, f.name)
                                     : fmt::format("      --{}", f.name);
      if (f.kind == FlagKind::optional)
        left += "[=" + (f.value_name.empty() ? std::string("string") : f.value_name) + "]";
      else if (f.kind != FlagKind::boolean)
        left += " " + (f.value_name.empty() ? std::string("string") : f.value_name);
      width = std::max(width, left.size() + 2);
      lefts.push_back(std::move(left));
    }
    for (size_t i = 0; i < cmd.flags.size(); i++)
      out += fmt::format("{:<{}}{}\n", lefts[i], width, cmd.flags[i].help);
  }
  return out;
}

static int command_error_code = kExitRuntime;

void set_command_error_code(int code) { command_error_code = code; }

int fail(const Error &e) {
  fmt::print(stderr, "skiff: {}\n", e.message);
  if (e.code == Errc::usage)
    return kExitRuntime;
  return e.exit_code == kExitRuntime || e.exit_code == 0 ? command_error_code : e.exit_code;
}

int fail_text(const std::string &message, int code) { return fail(Error{Errc::failed, message, code}); }

bool confirm(const std::string &warning) {
  fmt::print("{}\nAre you sure you want to continue? [y/N] ", warning);
  std::fflush(stdout);
  std::string answer;
  return std::getline(std::cin, answer) && (answer == "y" || answer == "Y" || answer == "yes");
}

Result<std::string> Context::container_id(const std::string &name) {
  auto *eng = TRY(engine());
  return eng->find_container(name);
}

Result<engine::Engine *> Context::engine() {
  if (!engine_)
    engine_.emplace(TRY(engine::Engine::open(opts_, userns_)));
  return &*engine_;
}

} // namespace skiff::cli
