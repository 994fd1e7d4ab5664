// login and logout: credentials for a registry, checked with it and kept
// in the auth file podman uses.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "../access_flags.hpp"
#include "../registry.hpp"

namespace skiff::cli {

// Reads one line from the terminal; without echo for passwords.
static std::string prompt(const char *label, bool echo) {
  fmt::print("{}", label);
  std::fflush(stdout);
  termios saved{};
  bool restore = !echo && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (restore) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    fmt::print("\n");
  }
  return line;
}

static int run_login(Context &, const Args &a) {
  engine::LoginRequest r;
  r.registry = a.positional.empty() ? "" : a.positional[0];
  r.username = a.get("username");
  r.password = a.get("password");
  r.access = registry_access(a);
  bool from_stdin = a.flag("password-stdin");
  if (from_stdin) {
    if (a.has("password"))
      return fail_text("--password and --password-stdin are mutually exclusive");
    if (r.username.empty())
      return fail_text("Must provide --username with --password-stdin");
    std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    while (!all.empty() && (all.back() == '\n' || all.back() == '\r'))
      all.pop_back();
    r.password = all;
  } else if (a.has("password")) {
    fmt::print(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
  }
  bool tty = ::isatty(STDIN_FILENO);
  if ((r.username.empty() || r.password.empty()) && !tty)
    return fail_text("Cannot perform an interactive login from a non TTY device");
  if (r.username.empty())
    r.username = prompt("Username: ", true);
  if (r.password.empty())
    r.password = prompt("Password: ", false);
  if (auto s = engine::login(r); !s)
    return fail(s.error());
  fmt::print("Login Succeeded\n");
  return 0;
}

static int run_logout(Context &, const Args &a) {
  engine::RegistryAccess access;
  access.authfile = a.get("authfile");
  auto msg = engine::logout(a.positional.empty() ? "" : a.positional[0], access);
  if (!msg)
    return fail(msg.error());
  fmt::print("{}\n", *msg);
  return 0;
}

Command cmd_login() {
  auto flags = registry_access_flags();
  flags.insert(flags.begin(), {{"password", 'p', FlagKind::value, "Password", "none", "string"},
                               {"password-stdin", 0, FlagKind::boolean, "Take the password from stdin"},
                               {"username", 'u', FlagKind::value, "Username", "none", "string"}});
  std::sort(flags.begin(), flags.end(), [](const Flag &x, const Flag &y) { return x.name < y.name; });
  return {"login", "[OPTIONS] [SERVER]", "Log in to a registry", flags, "registries", true, false,
          0, 1, {}, run_login};
}

Command cmd_logout() {
  return {"logout", "[OPTIONS] [SERVER]", "Log out from a registry", {authfile_flag()}, "registries",
          true, false, 0, 1, {}, run_logout};
}

} // namespace skiff::cli
