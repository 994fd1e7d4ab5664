// search: images in registries, shown as docker search shows them.
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../access_flags.hpp"
#include "../registry.hpp"
#include "../view_types.hpp"
#include "skiff/cli/history_view.hpp"
#include "skiff/cli/output.hpp"
#include "skiff/engine/search.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::cli {

using nlohmann::json;

// docker/cli's searchContext: the description on one line, cut to 45
// characters unless --no-trunc; "[OK]" for official images in tables,
// "true"/"false" once {{json .}} marshalled the row.
static json search_row(const engine::SearchResult &r, bool trunc, bool as_json) {
  std::string desc = r.description;
  std::replace(desc.begin(), desc.end(), '\n', ' ');
  std::replace(desc.begin(), desc.end(), '\r', ' ');
  if (trunc)
    desc = ellipsis(desc, 45);
  std::string official = as_json ? (r.official ? "true" : "false") : (r.official ? "[OK]" : "");
  return {{"Name", r.name}, {"Description", desc}, {"StarCount", std::to_string(r.stars)}, {"IsOfficial", official}};
}

static int run_search(Context &, const Args &a) {
  engine::SearchRequest r;
  r.term = a.positional[0];
  if (a.has("limit")) {
    auto n = str::to_int(a.get("limit"));
    if (!n)
      return fail_text(fmt::format("invalid argument \"{}\" for \"--limit\" flag: a number is needed", a.get("limit")));
    // Docker's 0: the default.
    if (*n != 0)
      r.limit = *n;
  }
  auto filter = engine::SearchFilter::parse(a.all("filter"));
  if (!filter)
    return fail(filter.error());
  r.filter = *filter;
  r.access = registry_access(a);
  auto report = engine::search(r);
  if (!report)
    return fail(report.error());
  for (const auto &w : report->warnings)
    fmt::print(stderr, "WARNING: {}\n", w);
  std::string format = a.get("format", "table");
  if (format == "table")
    format = "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}";
  std::vector<json> rows;
  bool trunc = !a.flag("no-trunc");
  bool as_json = !report->results.empty() &&
                 format_marshals_row(format, search_row(report->results[0], trunc, false), search_row_types());
  for (const auto &res : report->results)
    rows.push_back(search_row(res, trunc, as_json));
  auto out = render_rows(format, rows,
                         {{"Name", "NAME"}, {"Description", "DESCRIPTION"}, {"StarCount", "STARS"}, {"IsOfficial", "OFFICIAL"}},
                         search_row_types());
  if (!out)
    return fail(out.error());
  fmt::print("{}", *out);
  return 0;
}

Command cmd_search() {
  auto flags = registry_access_flags();
  flags.insert(flags.end(),
               {{"filter", 'f', FlagKind::list, "Filter output based on conditions provided (is-official=BOOL, stars=N)",
                 "search-filters", "filter"},
                {"format", 0, FlagKind::value,
                 "Format output using a custom template ('table', 'table TEMPLATE', 'json', or a Go template)", "none",
                 "string"},
                {"limit", 0, FlagKind::value, "Max number of search results per registry (1 to 100, default 25)", "none",
                 "int"},
                {"no-trunc", 0, FlagKind::boolean, "Don't truncate output"}});
  std::sort(flags.begin(), flags.end(), [](const Flag &x, const Flag &y) { return x.name < y.name; });
  return {"search", "[OPTIONS] TERM", "Search registries for images", flags, "", true, false, 1, 1, {}, run_search};
}

} // namespace skiff::cli
