// ps: list containers with Docker's columns, filters and --format.
#include <algorithm>

#include <fmt/format.h>

#include "../registry.hpp"
#include "../view_types.hpp"
#include "skiff/engine/container_filter.hpp"
#include "skiff/cli/output.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "views.hpp"

namespace skiff::cli {

constexpr const char *kDefaultPsFormat =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

static int run_ps(Context &ctx, const Args &a) {
  bool quiet = a.flag("quiet");
  std::string format = a.get("format");
  // docker/cli checks the format before it lists anything.
  // Sizes cost a walk of each writable layer: only when asked for, or
  // (unless --size=false) when the format reads .Size, as docker/cli does.
  bool size = a.flag("size");
  if (!format.empty()) {
    if (quiet)
      fmt::print(stderr, "WARNING: Ignoring custom format, because both --format and --quiet are set.\n");
    auto uses_size = check_rows_format(format, ps_empty_row(), ps_row_types(), "Size");
    if (!uses_size)
      return fail(uses_size.error());
    if (!quiet && !a.has("size") && *uses_size)
      size = true;
  }
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto list = (*eng)->containers();
  if (!list)
    return fail(list.error());
  auto filter = engine::parse_container_filter(a.all("filter"), *list);
  if (!filter)
    return fail(filter.error());
  bool all = a.flag("all") || filter->shows_all;
  std::vector<engine::ContainerView> shown;
  for (auto &v : *list) {
    bool active = v.state.status == engine::RunStatus::running || v.state.status == engine::RunStatus::restarting;
    if (!all && !active && !a.flag("latest") && !a.has("last"))
      continue;
    if (filter->matches(v))
      shown.push_back(std::move(v));
  }
  std::sort(shown.begin(), shown.end(), [](const auto &x, const auto &y) { return x.config.created > y.config.created; });
  size_t limit = shown.size();
  if (a.flag("latest"))
    limit = 1;
  if (a.has("last")) {
    auto n = str::to_int(a.get("last"));
    if (!n)
      return fail_text(fmt::format("invalid -n \"{}\": a number is needed", a.get("last")));
    if (*n >= 0)
      limit = static_cast<size_t>(*n);
  }
  shown.resize(std::min(limit, shown.size()));
  bool no_trunc = a.flag("no-trunc");
  if (quiet) {
    for (const auto &v : shown)
      fmt::print("{}\n", no_trunc ? v.config.id : v.config.id.substr(0, 12));
    return 0;
  }
  int64_t now = timefmt::now_ns();
  std::vector<nlohmann::json> rows;
  for (const auto &v : shown) {
    std::optional<engine::ContainerSize> sizes;
    if (size)
      sizes = engine::container_size(**eng, v);
    rows.push_back(ps_row(v, no_trunc, now, sizes));
  }
  if (format.empty() || format == "table")
    format = std::string(kDefaultPsFormat) + (size ? "\t{{.Size}}" : "");
  auto out = render_rows(format, rows, ps_headers(), ps_row_types());
  if (!out)
    return fail(out.error());
  fmt::print("{}", *out);
  return 0;
}

Command cmd_ps() {
  return {"ps", "[OPTIONS]", "List containers",
          {{"all", 'a', FlagKind::boolean, "Show all containers (default shows just running)"},
           {"filter", 'f', FlagKind::list, "Filter output based on conditions provided", "ps-filters", "filter"},
           {"format", 0, FlagKind::value, "Format output using a custom template ('table', 'table TEMPLATE', 'json', or a Go template)", "none", "string"},
           {"last", 'n', FlagKind::value, "Show n last created containers (includes all states)", "none", "int"},
           {"latest", 'l', FlagKind::boolean, "Show the latest created container (includes all states)"},
           {"no-trunc", 0, FlagKind::boolean, "Don't truncate output"},
           {"quiet", 'q', FlagKind::boolean, "Only display container IDs"},
           {"size", 's', FlagKind::boolean, "Display total file sizes"}},
          "", true, false, 0, 0, {"container ls", "container list", "container ps"}, run_ps};
}

} // namespace skiff::cli
