// `skiff build`: a Dockerfile's stages carried out over the engine, with
// the layer cache. Each RUN is a container made from the engine's
// container spec; COPY and ADD write their layer from the context.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/build/progress.hpp"
#include "skiff/build/secrets.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/engine/pull.hpp"

namespace skiff::build {

// A build context given as a tar archive, maybe compressed: the bytes
// already read from `fd` (to tell it is one), then the rest of `fd`. It
// is extracted into the store's scratch space for the build; its
// Dockerfile is `dockerfile_path` in it (-f), else Dockerfile.
struct ContextArchive {
  std::string head;
  int fd = -1;
  std::string dockerfile_path;
};

// -o: where the final stage's files go instead of an image.
struct BuildOutput {
  enum class Type { local, tar } type = Type::local;
  std::string dest;  // local: the directory (made when missing)
  int fd = -1;       // tar: where the archive goes (dest opened by the caller)
};

struct BuildRequest {
  std::string context_dir;      // read in place; empty: no context (a Dockerfile from stdin)
  std::optional<ContextArchive> context_archive;  // instead of context_dir and the definition
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
  std::vector<std::string> add_hosts;  // --add-host, checked: "name:ip", in RUN's /etc/hosts
  // -o: the final stage's files written there; an image is then recorded
  // only when tags name it.
  std::optional<BuildOutput> output;
};

// Whether a stream starting with `head` (its first 512 bytes, or all of
// it when shorter) is a tar, or gzip, bzip2, xz or zstd (of a tar).
bool is_context_archive(std::string_view head);

struct BuildResult {
  std::string image_id;  // hex; empty when -o took the place of the image
};

Result<BuildResult> run_build(engine::Engine &eng, const BuildRequest &r, Progress &progress);

} // namespace skiff::build
