// Internal to the engine: turning the registry flags and the environment
// into a registry client.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "skiff/engine/pull.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/registry/auth_file.hpp"
#include "skiff/registry/client.hpp"

namespace skiff::engine {

// For a repository ("host:port/path", or a registry alone): TLS as the
// flags and registries.conf say. `root`: state and config of root
// (certs.d under /etc/skiff), not of a rootless user (under ~/.config/skiff).
Result<registry::ClientOptions> client_options(std::string_view repository, const RegistryAccess &a,
                                               std::optional<registry::Credentials> creds,
                                               bool root);

// A client for the reference's registry, with the credentials stored for
// its repository (what pull and --pull newer speak through).
Result<std::unique_ptr<registry::Client>> open_client(const image::Reference &ref,
                                                      const RegistryAccess &a, bool root);

} // namespace skiff::engine
