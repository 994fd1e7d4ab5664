// `skiff build`: a Dockerfile's stages carried out over the engine, with
// the layer cache. Each RUN is a container made from the engine's
// container spec; COPY and ADD write their layer from the context.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skiff/build/progress.hpp"
#include "skiff/build/secrets.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/engine/pull.hpp"

namespace skiff::build {

struct BuildRequest {
  std::string context_dir;      // read in place; empty: no context (a Dockerfile from stdin)
  std::string dockerfile;       // its text
  std::string dockerfile_name;  // for messages and progress ("Dockerfile")
  std::string ignore_file;      // .dockerignore's text, if any
  // --build-arg K=V; a K the caller found no value for is left out.
  std::map<std::string, std::string> build_args;
  std::string target;           // --target; empty: the last stage
  bool no_cache = false;
  engine::PullPolicy pull = engine::PullPolicy::missing;
  engine::RegistryAccess access;
  std::map<std::string, std::string> labels;  // --label, over the image's
  std::vector<std::string> tags;              // full references
  std::string network;          // RUN's network: "" (default), "none" or "host"
  // Readable once the build must stop (a signalfd of SIGINT and SIGTERM):
  // the running step is killed, nothing more runs, no image is recorded.
  int cancel_fd = -1;
  std::vector<SecretSource> secrets;   // --secret, resolved (secrets.hpp)
};

struct BuildResult {
  std::string image_id;  // hex
};

Result<BuildResult> run_build(engine::Engine &eng, const BuildRequest &r, Progress &progress);

} // namespace skiff::build
