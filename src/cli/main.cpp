#include "skiff/cli/main.hpp"

#include <fmt/format.h>

#include <cstring>
#include <string>
#include <vector>

#include "registry.hpp"
#include "skiff/util/fs.hpp"
#include "skiff_config.h"

namespace skiff::cli {

static const char *const kGroups[][2] = {{"builder", "Manage builds"},
                                         {"container", "Manage containers"},
                                         {"image", "Manage images"},
                                         {"network", "Manage networks"},
                                         {"volume", "Manage volumes"}};

static void print_usage() {
  fmt::print("\nUsage:  skiff [OPTIONS] COMMAND\n\n"
             "A daemonless, Docker-compatible container runtime\n\n"
             "Options:\n"
             "      --root string      Persistent state directory\n"
             "      --runroot string   Runtime state directory\n"
             "      --storage-driver string  Layer driver of a new store: overlay, fuse-overlayfs or vfs\n"
             "  -v, --version          Print version information and quit\n\n"
             "Management Commands:\n");
  for (auto [g, what] : kGroups)
    fmt::print("  {:<12}{}\n", g, what);
  fmt::print("\nCommands:\n");
  for (const auto &c : commands())
    if (c.name.find(' ') == std::string::npos && c.name.rfind("__", 0) != 0)
      fmt::print("  {:<12}{}\n", c.name, c.summary);
  fmt::print("\nRun 'skiff COMMAND --help' for more information on a command.\n");
}

static void print_group(const std::string &group) {
  fmt::print("\nUsage:  skiff {} COMMAND\n\nCommands:\n", group);
  for (const auto &c : commands()) {
    std::vector<std::string> names{c.name};
    names.insert(names.end(), c.aliases.begin(), c.aliases.end());
    for (const auto &n : names)
      if (n.rfind(group + " ", 0) == 0) {
        fmt::print("  {:<12}{}\n", n.substr(group.size() + 1), c.summary);
        break;
      }
  }
}

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  engine::Options opts = engine::default_options();
  std::string self = fs::basename(argc > 0 ? argv[0] : "skiff");
  // The installed docker-compose name is for compose, which this skiff
  // does not have yet: one line saying so, as for any missing command.
  if (self == "docker-compose")
    return fail_text("docker-compose: compose is not part of this version of skiff");
  size_t i = 0;
  for (; i < args.size(); i++) {
    const std::string &a = args[i];
    auto take = [&](const char *flag, std::string &into) {
      std::string f = std::string("--") + flag;
      if (a == f && i + 1 < args.size()) {
        into = args[++i];
        return true;
      }
      if (a.rfind(f + "=", 0) == 0) {
        into = a.substr(f.size() + 1);
        return true;
      }
      return false;
    };
    if (take("root", opts.root) || take("runroot", opts.runroot) ||
        take("storage-driver", opts.storage_driver))
      continue;
    if (a == "-v" || a == "--version") {
      fmt::print("skiff version {}\n", SKIFF_VERSION);
      return 0;
    }
    if (a == "-h" || a == "--help") {
      print_usage();
      return 0;
    }
    if (!a.empty() && a[0] == '-')
      return fail_text(fmt::format("unknown flag: {}\nSee 'skiff --help'.", a));
    break;
  }
  if (i >= args.size() || (args[i] == "help" && i + 1 == args.size())) {
    print_usage();
    return 0;
  }
  if (args[i] == "help") {  // "skiff help run" is "skiff run --help"
    args.erase(args.begin() + static_cast<long>(i));
    args.push_back("--help");
  }
  const Command *cmd = nullptr;
  size_t words = 0;
  if (i + 1 < args.size() && (cmd = find_command(args[i] + " " + args[i + 1])))
    words = 2;
  else if ((cmd = find_command(args[i])))
    words = 1;
  if (!cmd) {
    for (auto [g, what] : kGroups)
      if (args[i] == g) {
        if (i + 1 < args.size() && args[i + 1] != "--help")
          return fail_text(fmt::format("unknown command: skiff {} {}\n\nUsage:  skiff {} COMMAND\n\n"
                                       "Run 'skiff {} --help' for more information",
                                       g, args[i + 1], g, g),
                           1);
        print_group(g);
        return 0;
      }
    // docker/cli (cmd/docker/docker.go, v28) returns a plain error here:
    // exit 1, where a bad flag exits 125.
    return fail_text(
        fmt::format("unknown command: skiff {}\n\nRun 'skiff --help' for more information", args[i]), 1);
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(i + words), args.end());
  for (const auto &r : rest) {
    if (r == "--")
      break;
    if (r == "--help") {
      fmt::print("{}", help_text(*cmd));
      return 0;
    }
  }
  auto parsed = parse_args(*cmd, rest);
  if (!parsed)
    return fail(parsed.error());
  // docker/cli's run wraps every error in 125; create and the other
  // commands exit 1 for the daemon's errors, 125 only for bad flags
  // (Errc::usage).
  if (cmd->name != "run")
    set_command_error_code(1);
  Context ctx(opts, cmd->needs_userns);
  return cmd->run(ctx, *parsed);
}

} // namespace skiff::cli
