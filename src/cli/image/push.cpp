// push: an image to a registry, printing what docker push prints.
#include <algorithm>

#include <fmt/format.h>

#include "../access_flags.hpp"
#include "../registry.hpp"
#include "skiff/cli/progress.hpp"
#include "skiff/engine/push.hpp"

namespace skiff::cli {

static int run_push(Context &ctx, const Args &a) {
  engine::PushRequest r;
  r.reference = a.positional[0];
  r.all_tags = a.flag("all-tags");
  r.format = a.get("format");
  r.compression = a.get("compression-format");
  r.access = registry_access(a);
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  bool quiet = a.flag("quiet");
  auto display = progress_display(stdout);
  auto pushed = engine::push(**eng, r, [&](const engine::ProgressEvent &e) {
    if (!quiet)
      display.show(e);
  });
  if (!pushed)
    return fail(pushed.error());
  if (quiet)
    fmt::print("{}\n", *pushed);
  return 0;
}

Command cmd_push() {
  auto flags = registry_access_flags();
  flags.insert(flags.begin(),
               {{"all-tags", 'a', FlagKind::boolean, "Push all tags of an image to the repository"},
                {"compression-format", 0, FlagKind::value,
                 "Compress layers with gzip or zstd (default \"gzip\")", "compression-formats",
                 "string"},
                {"format", 'f', FlagKind::value,
                 "Manifest format: docker (or v2s2) or oci (default \"docker\", \"oci\" for zstd)",
                 "manifest-formats", "string"},
                {"quiet", 'q', FlagKind::boolean, "Suppress verbose output"}});
  std::sort(flags.begin(), flags.end(), [](const Flag &x, const Flag &y) { return x.name < y.name; });
  return {"push", "[OPTIONS] NAME[:TAG]", "Upload an image to a registry", flags,
          "images", true, true, 1, 1, {"image push"}, run_push};
}

} // namespace skiff::cli
