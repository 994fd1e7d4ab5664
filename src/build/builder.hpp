// The builder's state and steps, shared by its files: builder_stages.cpp
// (stages, the cache, where errors are), builder_run.cpp (RUN),
// builder_copy.cpp (COPY, ADD, WORKDIR), executor.cpp (a build).
// Private to the build module.
#pragma once


#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "skiff/build/copy.hpp"
#include "skiff/build/metadata.hpp"
#include "skiff/dockerfile/dockerfile.hpp"
#include "skiff/dockerfile/expand.hpp"
#include "skiff/dockerfile/ignore.hpp"
#include "skiff/engine/build_inputs.hpp"
#include "skiff/engine/build_steps.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "add_url.hpp"
#include "context_archive.hpp"
#include "keys.hpp"
#include "onbuild.hpp"
#include "output.hpp"
#include "run_mounts.hpp"
#include "skiff/build/workdir.hpp"
#include "skiff/build/build.hpp"
#include "stage_graph.hpp"

namespace skiff::build {

using dockerfile::Command;

struct StageResult {
  image::ImageConfig config;
  std::vector<std::string> layers;
  std::string key;
  int64_t time = 0;  // ns: the newest history entry's
};

// An instruction's history line as BuildKit writes it for steps that run.
inline std::string buildkit_history(std::string text) { return text + " # buildkit"; }

class Builder {
public:
  Builder(engine::Engine &eng, const BuildRequest &r, Progress &p, dockerfile::Dockerfile df,
          dockerfile::IgnoreRules ignore)
      : eng_(eng), req_(r), progress_(p), df_(std::move(df)), ignore_(std::move(ignore)) {}

  Status resolve_global_args();

  Result<size_t> target_stage() const;

  // The stage's result, built once: by the first thread that asks, which
  // first starts the stages it names on threads of their own, so that
  // independent stages build at the same time.
  Result<const StageResult *> stage(size_t i);

  // Waits for the stages started on threads of their own.
  void join();

  // Every RUN --mount the target needs checked before anything runs.
  Status check_mounts(size_t target) const;

  Result<std::string> export_image(const StageResult &s);

private:
  static dockerfile::Lookup lookup_in(const std::map<std::string, std::string> &m);

  void start_stage(size_t i);

  // Stage references as the global args read them before a stage runs.
  ResolveName resolve_global() const;

  std::string stage_label(size_t i) const;

  // Where a stage's steps show: "[2/5]" alone, "[build 2/5]" in a file of several stages.
  std::string vertex(size_t stage, int step, int total, const std::string &text) const;

  // An image FROM or COPY --from names: found, or pulled as --pull says.
  Result<std::pair<engine::ImageRecord, std::string>> base_image(const std::string &name);

  // The stage's variables as instructions expand them: ENV over ARG.
  dockerfile::Lookup stage_lookup(const image::ImageConfig &c, const std::map<std::string, std::string> &args) const;

  Result<StageResult> build_stage(size_t index);

  // An error of an instruction, naming where it is.
  Error located(const Command &cmd, Error e) const;

  // The instruction's lines in the file, shown under the steps.
  void show_source(const Command &cmd) const;

  // A step whose result the cache may hold: `make` runs it on a miss.
  Status cached_step(StageResult &s, const std::string &key, const std::string &created_by,
                     const std::function<Result<engine::NewLayer>(const std::function<Status(const engine::NewLayer &)> &)> &make,
                     const std::string &description);

  static void take(StageResult &s, const engine::BuildCacheEntry &e, const std::string &created_by);

  Status run(size_t index, int step, int total, const Command &cmd, const dockerfile::RunCmd &r,
             const std::map<std::string, std::string> &args, StageResult &s);

  // A RUN --mount from=: an earlier stage's root, or an image's.
  Result<MountSource> mount_from(const std::string &from, size_t index);

  // What RUN runs (dockerfile.hpp says how heredocs take part); a script
  // with "#!" is given as a file, `script` here, mounted at /dev/pipes.
  static std::vector<std::string> run_argv(const dockerfile::RunCmd &r, const std::vector<std::string> &shell,
                                           const std::string &script);

  Status copy(size_t index, int step, int total, const Command &cmd, const dockerfile::CopyCmd &c,
              const dockerfile::Lookup &env, StageResult &s);

  // COPY and ADD's layer over the stage, kept in the cache.
  Result<engine::NewLayer> copy_layer(const StageResult &s, const CopyRequest &cr,
                                      const std::function<Result<int>()> &dest_fd,
                                      const std::function<Status(const engine::NewLayer &)> &keep);

  // COPY --link: the layer is written over an empty root, so that it fits
  // any base, and cached under a key that leaves the stage out as well:
  // on a changed base the same diff is stacked on the new one (BuildKit's
  // rebase) instead of being copied again.
  Status linked_copy(const Command &cmd, const CopyRequest &cr, const std::string &key, const std::string &source_id,
                     const std::string &digest, const std::string &created_by, StageResult &s);

  // ADD of http(s) URLs: each downloaded into a scratch directory of its
  // own, then copied as a local file would be (never unpacked unless
  // --unpack). With --checksum the cache key needs no download (BuildKit's
  // http source); without, it is the contents' digest and time.
  Status add_urls(const Command &cmd, const dockerfile::CopyCmd &c, CopyRequest cr, const std::vector<std::string> &urls,
                  const std::string &checksum, const std::function<Result<int>()> &dest_fd, StageResult &s);

  Status workdir(size_t index, int step, int total, const Command &cmd, StageResult &s);

  engine::Engine &eng_;
  const BuildRequest &req_;
  Progress &progress_;
  dockerfile::Dockerfile df_;
  dockerfile::IgnoreRules ignore_;
  std::map<std::string, std::string> global_;
  std::string host_platform_;  // "linux/amd64"
  std::mutex mu_;  // what follows
  std::map<size_t, std::shared_future<Result<StageResult>>> stages_;
  std::vector<std::thread> threads_;
  std::mutex images_mu_;  // images_, held while one is pulled
  std::map<std::string, engine::ImageRecord> images_;
};

} // namespace skiff::build
