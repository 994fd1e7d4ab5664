#include "tty_flags.hpp"

#include <unistd.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "skiff/cli/detach_keys.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::cli {

Flag detach_keys_flag() {
  return {"detach-keys", 0, FlagKind::value, "Override the key sequence for detaching a container",
          "detach-keys", "string"};
}

// Docker's CLI setting. A config file that is missing or unreadable sets
// nothing: Docker warns and goes on with its defaults.
static std::string configured_detach_keys() {
  const char *dir = std::getenv("DOCKER_CONFIG");
  const char *home = std::getenv("HOME");
  std::string path = dir && *dir ? std::string(dir) : std::string(home ? home : "") + "/.docker";
  auto text = fs::read_file(path + "/config.json");
  if (!text)
    return "";
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("detachKeys") || !j["detachKeys"].is_string())
    return "";
  return j["detachKeys"].get<std::string>();
}

Result<std::string> detach_keys(const Args &a) {
  std::string spec = a.get("detach-keys");
  return parse_detach_keys(spec.empty() ? configured_detach_keys() : spec);
}

Status check_tty(bool attach_stdin, bool tty) {
  if (tty && attach_stdin && !::isatty(STDIN_FILENO))
    return Error{Errc::invalid, "the input device is not a TTY", 1};
  return {};
}

} // namespace skiff::cli
