// Registry credentials in auth files: skiff's own (podman's auth.json
// format and place) and Docker's ~/.docker/config.json, both
// {"auths": {"<registry>": {"auth": "<base64 user:password>"}}}, or
// credential helpers they name ("credsStore", "credHelpers").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::registry {

struct Credentials {
  std::string username, password;
};

// What decides where auth files are: the environment and --authfile.
struct AuthEnv {
  std::string home;                // $HOME
  std::string xdg_runtime_dir;     // $XDG_RUNTIME_DIR
  std::string registry_auth_file;  // $REGISTRY_AUTH_FILE (podman's)
  std::string docker_config;       // $DOCKER_CONFIG (a directory)
  std::string authfile;            // --authfile

  static AuthEnv from_environment(std::string authfile_flag);
};

// The file login writes and logout edits: --authfile, else
// $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json, else
// ~/.config/containers/auth.json.
std::string own_auth_file(const AuthEnv &env);
// Files searched for credentials, first match wins: the own file, podman's
// ~/.config/containers/auth.json when the own file is elsewhere by default,
// then Docker's config.json ($DOCKER_CONFIG or ~/.docker).
std::vector<std::string> auth_files_to_read(const AuthEnv &env);

// "https://index.docker.io/v1/" and "registry-1.docker.io" are
// "docker.io"; schemes and URL paths are dropped; "host/namespace" keys
// keep their namespace.
std::string normalize_auth_key(std::string_view key);

// The credentials one file holds for image `repository` (domain/path): the
// entry of the longest key that is its registry or a namespace of it.
// `file` names the file in errors (a malformed entry is an error, not
// silently skipped).
Result<std::optional<Credentials>> lookup_credentials(std::string_view json_text,
                                                      std::string_view repository,
                                                      std::string_view file);

// A credential helper that a file says holds `repository`'s credentials:
// its "credHelpers" entry for the registry, else its "credsStore" (when
// either is set, Docker reads no "auths" entry of that file for it).
struct CredentialHelper {
  std::string program;  // docker-credential-NAME
  std::string server;   // `get` reads it on stdin: Docker Hub's URL, else host[:port]
};
Result<std::optional<CredentialHelper>> credential_helper(std::string_view json_text,
                                                          std::string_view repository,
                                                          std::string_view file);
// What `PROGRAM get` answered (exit status and output): credentials, none
// ("credentials not found"), or an error naming the helper.
Result<std::optional<Credentials>> helper_credentials(const CredentialHelper &h, int status,
                                                      std::string_view output);

// The keys of a file's entries, normalised; nothing for a malformed file.
std::vector<std::string> credential_keys(std::string_view json_text);

// Returns the file's new text with `registry`'s entry set (or replaced),
// keeping every other field; empty input is an empty file.
Result<std::string> store_credentials(std::string_view json_text, std::string_view registry,
                                      const Credentials &c, std::string_view file);
// The file's new text without entries for `registry`, or nullopt when it
// had none.
Result<std::optional<std::string>> erase_credentials(std::string_view json_text,
                                                     std::string_view registry,
                                                     std::string_view file);

} // namespace skiff::registry

namespace skiff::registry {

// The files above, read: the first file (in auth_files_to_read order) with
// an entry for `repository` answers; a file naming a credential helper for
// its registry answers with what the helper holds. Missing files are
// skipped.
Result<std::optional<Credentials>> find_credentials(const AuthEnv &env, std::string_view repository);
// Sets `registry`'s entry in the own auth file, written atomically with
// mode 0600 (its directory made 0700 when missing).
Status save_credentials(const AuthEnv &env, std::string_view registry, const Credentials &c);
// Removes `registry`'s entries from the own auth file; false when it had none.
Result<bool> remove_credentials(const AuthEnv &env, std::string_view registry);

} // namespace skiff::registry
