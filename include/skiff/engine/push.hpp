// push: images of the store to a registry, as docker push does it.
#pragma once

#include <functional>
#include <string>

#include "skiff/engine/engine.hpp"
#include "skiff/engine/pull.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

struct PushRequest {
  std::string reference;    // NAME[:TAG]; with all_tags a repository
  bool all_tags = false;    // every local tag of the repository
  std::string format;       // "docker" (or "v2s2") or "oci"; empty: docker, oci for zstd
  std::string compression;  // "gzip" or "zstd"; empty: gzip
  RegistryAccess access;
};

// Docker's push output ("The push refers to repository [...]", "<id>:
// Pushed", "<tag>: digest: sha256:... size: N"), as pull's is given.
using PushOutput = ProgressOutput;

// Pushes and returns what docker push -q prints: the reference pushed.
// Each image pushed gets the repository digest (RepoDigests).
Result<std::string> push(Engine &eng, const PushRequest &r, const PushOutput &out);

} // namespace skiff::engine
