// builder prune: remove build cache, in docker builder prune's words.
#include <fmt/format.h>

#include "../registry.hpp"
#include "skiff/engine/build_steps.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "skiff/util/units.hpp"

namespace skiff::cli {

static int run_builder_prune(Context &ctx, const Args &a) {
  engine::BuildCachePrune p;
  p.all = a.flag("all");
  for (const auto &f : a.all("filter")) {
    auto kv = str::cut(f, '=');
    if (!kv || kv->first != "until")
      return fail_text(fmt::format("invalid filter '{}': only until=TIMESTAMP|DURATION is supported", f),
                       kExitRuntime);
    auto t = timefmt::parse_time_arg(kv->second, timefmt::now_ns());
    if (!t)
      return fail_text(fmt::format("invalid filter 'until={}': not a timestamp or a duration", kv->second),
                       kExitRuntime);
    p.until = *t;
  }
  if (!a.flag("force") && !confirm(p.all ? "WARNING! This will remove all build cache."
                                         : "WARNING! This will remove all dangling build cache."))
    return 0;
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto pruned = engine::prune_build_cache(**eng, p);
  if (!pruned)
    return fail(pruned.error());
  if (!pruned->keys.empty()) {
    fmt::print("Deleted build cache objects:\n");
    for (const auto &k : pruned->keys)
      fmt::print("{}\n", k);
  }
  fmt::print("Total reclaimed space: {}\n", units::human_size(static_cast<double>(pruned->reclaimed), 4));
  return 0;
}

Command cmd_builder_prune() {
  return {"builder prune", "[OPTIONS]", "Remove build cache",
          {{"all", 'a', FlagKind::boolean, "Remove all unused build cache, not just dangling ones"},
           {"filter", 0, FlagKind::list, "Provide filter values (e.g. \"until=24h\")", "builder-prune-filters", "filter"},
           {"force", 'f', FlagKind::boolean, "Do not prompt for confirmation"}},
          "", true, true, 0, 0, {}, run_builder_prune};
}

} // namespace skiff::cli
