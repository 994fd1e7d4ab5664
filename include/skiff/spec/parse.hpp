// The string forms of container options that run/create flags and compose
// files share, parsed into the config's types with Docker's messages. Pure:
// relative bind sources resolve against the `cwd` given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/storage/container_config.hpp"
#include "skiff/util/result.hpp"

namespace skiff::spec {

// A flag value docker/cli refuses as it parses it, in pflag's words (exit
// 125 in every command): FLAG as pflag names it, "--ulimit", or "-e,
// --env" with its shorthand.
inline Error flag_invalid(std::string_view flag, std::string_view value, std::string_view why) {
  return Error{Errc::usage, fmt::format("invalid argument \"{}\" for \"{}\" flag: {}", value, flag, why),
               kExitRuntime};
}

// -v's short syntax: /ctr (anonymous volume), NAME:/ctr[:opts] or
// HOST:/ctr[:opts] (a host path starts with / or .). A bind's options hold
// its propagation ("rprivate", ...), a volume's "nocopy" when it must not
// be filled from the image.
Result<storage::MountConfig> parse_volume(const std::string &spec, const std::string &cwd);
// --mount's type=...,source=...,target=... fields.
Result<storage::MountConfig> parse_mount(const std::string &spec, const std::string &cwd);
// --tmpfs's /ctr[:opt,opt...].
Result<storage::MountConfig> parse_tmpfs(const std::string &spec);
// --device's HOST[:CONTAINER][:PERMISSIONS].
Result<storage::DeviceMapping> parse_device(const std::string &spec);
// A device permission string: one to three of r, w, m, none twice.
bool valid_device_access(std::string_view access);
// --restart's NAME[:N], as docker/cli reads it (its format only).
Result<storage::RestartPolicy> parse_restart(const std::string &spec);
// What the daemon then checks: no|always|unless-stopped|on-failure[:N].
Status check_restart(const storage::RestartPolicy &p);
// --ulimit's name=soft[:hard]; -1 is unlimited (go-units' ParseUlimit, in
// pflag's words).
Result<storage::Ulimit> parse_ulimit(const std::string &spec);
// One KEY=VALUE per line, "#" comments and blank lines skipped; a KEY
// alone takes its value from `host_env` ("KEY=value" entries), or is
// skipped when that has none.
Result<std::vector<std::string>> parse_env_file(const std::string &content,
                                                const std::vector<std::string> &host_env);

} // namespace skiff::spec
