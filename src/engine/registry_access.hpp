// Internal to the engine: turning the registry flags and the environment
// into a registry client.
#pragma once

#include <optional>
#include <string>

#include "skiff/engine/pull.hpp"
#include "skiff/registry/auth_file.hpp"
#include "skiff/registry/client.hpp"

namespace skiff::engine {

// `root`: state and config of root (certs.d under /etc/skiff), not of a
// rootless user (under ~/.config/skiff).
Result<registry::ClientOptions> client_options(const std::string &domain, const RegistryAccess &a,
                                               std::optional<registry::Credentials> creds,
                                               bool root);

} // namespace skiff::engine
