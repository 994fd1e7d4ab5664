// Registry operations of the engine: pull (into the store, recorded as an
// image with its repo digest), login and logout.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

// How to reach a registry: the flags pull, login and logout share.
struct RegistryAccess {
  bool tls_verify = true;  // --tls-verify=false: no certificate checks, plain HTTP allowed
  std::string cert_dir;    // --cert-dir
  std::string authfile;    // --authfile
};

struct PullRequest {
  std::string reference;
  bool all_tags = false;
  std::string platform;  // "os/arch[/variant]", empty: this machine's
  RegistryAccess access;
};

// Gets a line of Docker's pull output ("latest: Pulling from library/x",
// "<id>: Pull complete", "Digest: ...", "Status: ...").
using PullOutput = std::function<void(const std::string &line)>;

// Pulls and returns what Docker prints last: the full reference pulled.
Result<std::string> pull(Engine &eng, const PullRequest &r, const PullOutput &out);

// When run and create pull their image: Docker's always, missing (the
// default) and never, and podman's newer (when the registry's digest for
// the tag differs from the local image's; the local image when the
// registry cannot be asked).
enum class PullPolicy { always, missing, never, newer };
Result<PullPolicy> parse_pull_policy(std::string_view text);

struct ImageRequest {
  std::string image;  // as typed: a name, name:tag, name@digest or an image ID
  PullPolicy policy = PullPolicy::missing;
  RegistryAccess access;
};

// The image a new container is made from, pulled first as the policy
// says. `out` gets Docker's "Unable to find image 'x:latest' locally" and
// the pull's lines.
Result<storage::ImageRecord> image_for_container(Engine &eng, const ImageRequest &r,
                                                 const PullOutput &out);

struct LoginRequest {
  std::string registry;  // empty: docker.io
  std::string username, password;
  RegistryAccess access;
};

// Checks the credentials with the registry and stores them; nothing is
// stored when they are refused.
Status login(const LoginRequest &r);
// Removes stored credentials; returns Docker's message.
Result<std::string> logout(const std::string &registry, const RegistryAccess &access);

// Registries with stored credentials in the auth files (for completion).
std::vector<std::string> known_registries();

// "docker.io" for empty input, Docker Hub's URL spellings and such; the
// registry part of anything else ("https://host:5000/v2/" is "host:5000").
std::string registry_of(std::string_view text);

} // namespace skiff::engine
