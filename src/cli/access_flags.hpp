// Internal to the CLI: the flags of commands that talk to a registry
// (pull, push, login, logout), as podman spells them.
#pragma once

#include <vector>

#include "skiff/cli/command.hpp"
#include "skiff/engine/pull.hpp"

namespace skiff::cli {

// --tls-verify, --cert-dir and --authfile.
std::vector<Flag> registry_access_flags();
// --authfile only: logout reaches no registry.
Flag authfile_flag();
engine::RegistryAccess registry_access(const Args &a);

} // namespace skiff::cli
