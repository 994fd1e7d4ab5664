// A build (build.hpp): its definition and context read, then the target
// stage built by the Builder (builder.hpp) and exported.
#include "skiff/build/build.hpp"

#include "builder.hpp"

namespace skiff::build {

Result<BuildResult> run_build(engine::Engine &eng, const BuildRequest &given, Progress &progress) {
  // A context archive is read where it is extracted, for the build's time.
  std::optional<engine::ScratchDir> scratch;
  std::optional<BuildRequest> extracted;
  if (given.context_archive) {
    progress.begin("[internal] load remote build context");
    auto made = engine::ScratchDir::make(eng);
    Status opened = made ? Status{} : Status(made.error());
    if (made) {
      scratch.emplace(std::move(*made));
      extracted = given;
      opened = open_context_archive(*given.context_archive, *scratch, *extracted);
    }
    if (!opened) {
      progress.error(opened.error().message);
      return opened.error();
    }
    progress.done();
  }
  const BuildRequest &r = extracted ? *extracted : given;
  progress.begin(fmt::format("[internal] load build definition from {}", r.dockerfile_name));
  progress.note(fmt::format("transferring dockerfile: {}B done", r.dockerfile.size()));
  auto df = dockerfile::parse(r.dockerfile, r.dockerfile_name);
  if (!df) {
    progress.error(df.error().message);
    // The parser's words start "FILE:LINE:".
    auto where = std::string_view(df.error().message).substr(r.dockerfile_name.size());
    if (where.starts_with(":"))
      if (auto line = str::to_int(where.substr(1, where.find(':', 1) - 1)))
        progress.source(r.dockerfile_name, r.dockerfile, static_cast<int>(*line), static_cast<int>(*line));
    return std::move(df).error();
  }
  progress.done();
  progress.begin("[internal] load .dockerignore");
  progress.note(fmt::format("transferring context: {}B done", r.ignore_file.size()));
  auto ignore = dockerfile::IgnoreRules::parse(r.ignore_file);
  if (!ignore) {
    progress.error(ignore.error().message);
    return std::move(ignore).error();
  }
  progress.done();
  engine::remove_abandoned_steps(eng);
  Builder b(eng, r, progress, std::move(*df), std::move(*ignore));
  TRY_STATUS(b.resolve_global_args());
  auto target = TRY(b.target_stage());
  TRY_STATUS(b.check_mounts(target));
  auto stage = b.stage(target);
  b.join();
  if (!stage)
    return std::move(stage).error();
  if (engine::cancelled(r.cancel_fd))
    return make_error(Errc::cancelled, "failed to solve: Canceled: context canceled");
  BuildResult result;
  if (r.output)
    TRY_STATUS(write_output(eng, (*stage)->layers, *r.output, progress));
  // With -o, an image only when tags name one.
  if (!r.output || !r.tags.empty())
    result.image_id = TRY(b.export_image(**stage));
  return result;
}

} // namespace skiff::build
