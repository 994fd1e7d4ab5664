// Registry operations of the engine: pull (into the store, recorded as an
// image with its repo digest), the implicit pull of run and create and its
// --pull policy, login and logout, and the registries.conf lookups that
// short names and completion use. Push and search have their own headers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/registry/registries_conf.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

// How to reach a registry: the flags pull, login and logout share.
struct RegistryAccess {
  // --tls-verify; unset: verify, unless registries.conf marks the registry
  // insecure. Off: no certificate checks, plain HTTP allowed.
  std::optional<bool> tls_verify;
  std::string cert_dir;    // --cert-dir
  std::string authfile;    // --authfile
};

struct PullRequest {
  std::string reference;
  bool all_tags = false;
  std::string platform;  // "os/arch[/variant]", empty: this machine's
  RegistryAccess access;
};

// What docker pull and push print, one event at a time: a plain line
// ("latest: Pulling from library/x", "Digest: ...") or a layer's status
// ("<id>: Pull complete"), with bytes done and in all for "Downloading"
// and "Pushing", which only a terminal shows.
struct ProgressEvent {
  // A plain line.
  ProgressEvent(std::string line) : status(std::move(line)) {}
  ProgressEvent(const char *line) : status(line) {}
  ProgressEvent(std::string layer, std::string s, int64_t done = 0, int64_t all = 0)
      : id(std::move(layer)), status(std::move(s)), current(done), total(all) {}

  std::string id;  // the layer's short ID; empty for a plain line
  std::string status;
  int64_t current = 0, total = 0;
};
using ProgressOutput = std::function<void(const ProgressEvent &)>;
using PullOutput = ProgressOutput;

// Pulls and returns what Docker prints last: the full reference pulled.
Result<std::string> pull(Engine &eng, const PullRequest &r, const PullOutput &out);

// When run and create pull their image: Docker's always, missing (the
// default) and never (podman's newer is refused, as Docker refuses it).
enum class PullPolicy { always, missing, never };
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

// The registries.conf in effect, read once: CONTAINERS_REGISTRIES_CONF
// names the only file to read; else the user's
// (${XDG_CONFIG_HOME:-~/.config}/containers/registries.conf) if it exists,
// or /etc/containers/registries.conf, then the *.conf drop-ins of
// /etc/containers/registries.conf.d and the user's registries.conf.d, by
// name. No file: Docker's defaults (short names are docker.io's).
Result<registry::RegistriesConf> registries_conf();

// The names `text` may have in the store, in the order they are looked
// up: for a short name, one per search registry of registries.conf, then
// Docker's (docker.io: what tag and import make of a short name). Text
// that is no reference has none.
Result<std::vector<image::Reference>> local_names(std::string_view text);

// Registries with stored credentials in the auth files and those
// registries.conf names (for completion).
std::vector<std::string> known_registries();

// "docker.io" for empty input, Docker Hub's URL spellings and such; the
// registry part of anything else ("https://host:5000/v2/" is "host:5000").
std::string registry_of(std::string_view text);

} // namespace skiff::engine
