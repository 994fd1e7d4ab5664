// image prune: remove unused images.
#include <fmt/format.h>

#include "../registry.hpp"
#include "skiff/engine/image_list.hpp"
#include "skiff/util/timefmt.hpp"
#include "skiff/util/units.hpp"

namespace skiff::cli {

static int run_image_prune(Context &ctx, const Args &a) {
  auto filter = engine::parse_image_filter(a.all("filter"), {"dangling", "label", "label!", "until"},
                                           timefmt::now_ns());
  if (!filter)
    return fail(filter.error());
  bool all = a.flag("all");
  if (!filter->dangling)
    filter->dangling = !all;
  if (!a.flag("force") &&
      !confirm(all ? "WARNING! This will remove all images without at least one container associated to them."
                   : "WARNING! This will remove all dangling images."))
    return 0;
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto report = engine::prune_images(**eng, *filter);
  if (!report)
    return fail(report.error());
  if (!report->lines.empty()) {
    fmt::print("Deleted Images:\n");
    for (const auto &l : report->lines)
      fmt::print("{}\n", l);
    fmt::print("\n");
  }
  // docker prints this total with go-units' HumanSize: 4 significant digits.
  fmt::print("Total reclaimed space: {}\n", units::human_size(static_cast<double>(report->reclaimed), 4));
  return 0;
}

Command cmd_image_prune() {
  return {"image prune", "[OPTIONS]", "Remove unused images",
          {{"all", 'a', FlagKind::boolean, "Remove all unused images, not just dangling ones"},
           {"filter", 0, FlagKind::list, "Provide filter values (e.g. \"until=<timestamp>\", \"label=KEY[=VALUE]\")", "image-prune-filters", "filter"},
           {"force", 'f', FlagKind::boolean, "Do not prompt for confirmation"}},
          "", true, true, 0, 0, {}, run_image_prune};
}

} // namespace skiff::cli
