#include "skiff/engine/engine.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "skiff/runtime/userns_holder.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::engine {

static std::string env_or(const char *name, const std::string &fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

Options default_options() {
  Options o;
  o.uid = ::getuid();
  o.gid = ::getgid();
  if (::geteuid() == 0 && !sys::in_user_namespace()) {
    o.root = "/var/lib/skiff";
    o.runroot = "/run/skiff";
    return o;
  }
  o.rootless = true;
  std::string home = env_or("HOME", "/tmp");
  o.root = env_or("XDG_DATA_HOME", home + "/.local/share") + "/skiff";
  o.runroot = runtime::user_runtime_dir();
  return o;
}

Result<Engine> Engine::open(const Options &o, bool enter_userns) {
  std::optional<storage::DriverKind> driver;
  if (!o.storage_driver.empty())
    driver = TRY(storage::parse_driver(o.storage_driver));
  if (o.rootless && enter_userns && !sys::in_user_namespace())
    TRY_STATUS(runtime::enter_rootless_userns());
  Engine e;
  e.opts_ = o;
  e.store_ = TRY(storage::Store::open(o.root, o.runroot, driver));
  return e;
}

Result<int> parse_signal(std::string_view s) {
  static const std::pair<const char *, int> table[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
      {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},     {"BUS", SIGBUS},     {"FPE", SIGFPE},
      {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
      {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT},
      {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},
      {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},     {"XCPU", SIGXCPU},
      {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH},
      {"IO", SIGIO},     {"PWR", SIGPWR},       {"SYS", SIGSYS}};
  if (auto n = str::to_int(s)) {
    if (*n > 0 && *n < NSIG)
      return static_cast<int>(*n);
  } else {
    std::string up;
    for (char c : s)
      up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (up.rfind("SIG", 0) == 0)
      up = up.substr(3);
    for (auto [name, num] : table)
      if (up == name)
        return num;
    if (up.rfind("RTMIN", 0) == 0 || up.rfind("RTMAX", 0) == 0) {
      int base = up[2] == 'M' && up[3] == 'I' ? SIGRTMIN : SIGRTMAX;
      auto off = up.size() > 5 ? str::to_int(up.substr(5)) : std::optional<long long>(0);
      if (off && base + *off >= SIGRTMIN && base + *off <= SIGRTMAX)
        return static_cast<int>(base + *off);
    }
  }
  return make_error(Errc::invalid, "Invalid signal: {}", s);  // moby/sys/signal's words
}

} // namespace skiff::engine
