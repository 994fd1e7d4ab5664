// history: an image's history table.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../registry.hpp"
#include "../view_types.hpp"
#include "skiff/cli/history_view.hpp"
#include "skiff/cli/output.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::cli {

static int run_history(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto img = (*eng)->find_image(a.positional[0]);
  if (!img)
    return fail(img.error());
  auto rows = engine::image_history(**eng, *img);
  if (!rows)
    return fail(rows.error());
  bool human = !a.has("human") || a.flag("human");
  int64_t now = timefmt::now_ns();
  std::vector<nlohmann::json> out;
  for (const auto &r : *rows)
    out.push_back(history_row_json(r, !a.flag("no-trunc"), human, now));
  std::string format = a.get("format", "table");
  if (format == "table")
    format = a.flag("quiet") ? "{{.ID}}"
             : human         ? "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
                             : "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
  nlohmann::json headers = {{"ID", "IMAGE"},         {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"},
                            {"CreatedBy", "CREATED BY"}, {"Size", "SIZE"},        {"Comment", "COMMENT"}};
  auto text = render_rows(format, out, headers, history_row_types());
  if (!text)
    return fail(text.error());
  fmt::print("{}", *text);
  return 0;
}

Command cmd_history() {
  return {"history", "[OPTIONS] IMAGE", "Show the history of an image",
          {{"format", 0, FlagKind::value, "Format output using a custom template ('table', 'table TEMPLATE', 'json', or a Go template)", "none", "string"},
           {"human", 'H', FlagKind::boolean, "Print sizes and dates in human readable format (default true)"},
           {"no-trunc", 0, FlagKind::boolean, "Don't truncate output"},
           {"quiet", 'q', FlagKind::boolean, "Only show image IDs"}},
          "images", true, false, 1, 1, {"image history"}, run_history};
}

} // namespace skiff::cli
