// pull: an image from a registry, printing what docker pull prints.
#include <algorithm>

#include <fmt/format.h>

#include "../access_flags.hpp"
#include "../registry.hpp"
#include "skiff/cli/progress.hpp"

namespace skiff::cli {

static int run_pull(Context &ctx, const Args &a) {
  engine::PullRequest r;
  r.reference = a.positional[0];
  r.all_tags = a.flag("all-tags");
  r.platform = a.get("platform");
  r.access = registry_access(a);
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  bool quiet = a.flag("quiet");
  auto display = progress_display(stdout);
  auto pulled = engine::pull(**eng, r, [&](const engine::ProgressEvent &e) {
    if (!quiet)
      display.show(e);
  });
  if (!pulled)
    return fail(pulled.error());
  fmt::print("{}\n", *pulled);
  return 0;
}

Command cmd_pull() {
  auto flags = registry_access_flags();
  flags.insert(flags.begin(),
               {{"all-tags", 'a', FlagKind::boolean, "Download all tagged images in the repository"},
                {"platform", 0, FlagKind::value,
                 "Set platform if server is multi-platform capable (os/arch[/variant])", "platforms",
                 "string"},
                {"quiet", 'q', FlagKind::boolean, "Suppress verbose output"}});
  std::sort(flags.begin(), flags.end(), [](const Flag &x, const Flag &y) { return x.name < y.name; });
  return {"pull", "[OPTIONS] NAME[:TAG|@DIGEST]", "Download an image from a registry", flags,
          "images", true, true, 1, 1, {"image pull"}, run_pull};
}

} // namespace skiff::cli
