// volume create, ls, inspect, rm, prune.
#include <functional>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../registry.hpp"
#include "../view_types.hpp"
#include "skiff/cli/output.hpp"
#include "skiff/engine/volume_filter.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/units.hpp"

namespace skiff::cli {

using nlohmann::json;

static int run_volume_create(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  std::map<std::string, std::string> labels;
  for (const auto &l : a.all("label")) {
    auto kv = str::cut(l, '=');
    labels[kv ? kv->first : l] = kv ? kv->second : "";
  }
  // KEY=VALUE, or KEY alone for an empty value (docker/cli's MapOpts).
  std::map<std::string, std::string> options;
  for (const auto &o : a.all("opt")) {
    auto kv = str::cut(o, '=');
    options[kv ? kv->first : o] = kv ? kv->second : "";
  }
  std::string name = a.positional.empty() ? a.get("name", ids::random_id()) : a.positional[0];
  auto v = (*eng)->create_volume(name, labels, a.get("driver", "local"), options);
  if (!v)
    return fail(v.error());
  fmt::print("{}\n", name);
  return 0;
}

namespace {

std::map<std::string, std::string> labels_of(const json &v) {
  std::map<std::string, std::string> out;
  if (auto it = v.find("Labels"); it != v.end() && it->is_object())
    for (const auto &[k, val] : it->items())
      if (val.is_string())
        out[k] = val.get<std::string>();
  return out;
}

// The volumes `filter` keeps; `in_use` is asked only when it matters.
Result<std::vector<json>> filtered_volumes(engine::Engine &eng, const engine::VolumeFilter &filter,
                                           const std::function<bool(const json &)> &extra = nullptr) {
  auto list = TRY(eng.volumes());
  std::vector<json> out;
  for (auto &v : list) {
    std::string name = v.value("Name", "");
    bool in_use = false;
    if (filter.dangling) {
      auto users = TRY(eng.volume_users(name));
      in_use = !users.empty();
    }
    if (filter.matches(name, v.value("Driver", "local"), labels_of(v), in_use) && (!extra || extra(v)))
      out.push_back(std::move(v));
  }
  return out;
}

} // namespace

static int run_volume_ls(Context &ctx, const Args &a) {
  auto filter = engine::parse_volume_filter(a.all("filter"), {"name", "driver", "label", "dangling"});
  if (!filter)
    return fail(filter.error());
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto list = filtered_volumes(**eng, *filter);
  if (!list)
    return fail(list.error());
  std::string format = a.get("format", "table");
  // A format of one's own beats -q, as in docker/cli's NewVolumeFormat.
  if (a.flag("quiet") && format == "table") {
    for (const auto &v : *list)
      fmt::print("{}\n", v.value("Name", ""));
    return 0;
  }
  std::vector<json> rows;
  for (const auto &v : *list) {
    std::vector<std::string> labels;
    for (const auto &[k, val] : labels_of(v))
      labels.push_back(k + "=" + val);
    // docker/cli's volumeContext: no usage data or cluster volume in a
    // listing, so those read N/A.
    rows.push_back({{"Availability", "N/A"},
                    {"Driver", v.value("Driver", "local")},
                    {"Group", "N/A"},
                    {"Labels", str::join(labels, ",")},
                    {"Label", labels_of(v)},
                    {"Links", "N/A"},
                    {"Mountpoint", v.value("Mountpoint", "")},
                    {"Name", v.value("Name", "")},
                    {"Scope", "local"},
                    {"Size", "N/A"},
                    {"Status", "N/A"}});
  }
  if (format == "table")
    format = "table {{.Driver}}\t{{.Name}}";
  auto out = render_rows(format, rows,
                         {{"ID", "ID"}, {"Name", "VOLUME NAME"}, {"Group", "GROUP"}, {"Driver", "DRIVER"},
                          {"Scope", "SCOPE"}, {"Availability", "AVAILABILITY"}, {"Mountpoint", "MOUNTPOINT"},
                          {"Labels", "LABELS"}, {"Links", "LINKS"}, {"Size", "SIZE"}, {"Status", "STATUS"}},
                         volume_row_types());
  if (!out)
    return fail(out.error());
  fmt::print("{}", *out);
  return 0;
}

static int run_volume_inspect(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  std::vector<Inspected> objs;
  int rc = 0;
  for (const auto &n : a.positional) {
    auto v = (*eng)->volume(n);
    if (!v) {
      fail(v.error());
      rc = 1;
      continue;
    }
    objs.push_back({*v, &volume_inspect_types()});
  }
  // docker/cli's volume inspect has no raw form to fall back on.
  return print_inspect(a.get("format"), objs, false, rc);
}

static int run_volume_rm(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  int rc = 0;
  for (const auto &n : a.positional) {
    if (auto s = (*eng)->remove_volume(n, a.flag("force")); !s) {
      fail(s.error());
      rc = 1;
      continue;
    }
    fmt::print("{}\n", n);
  }
  return rc;
}

static int run_volume_prune(Context &ctx, const Args &a) {
  auto filter = engine::parse_volume_filter(a.all("filter"), {"label", "label!"});
  if (!filter)
    return fail(filter.error());
  if (!a.flag("force") &&
      !confirm(a.flag("all") ? "WARNING! This will remove all local volumes not used by at least one container."
                             : "WARNING! This will remove anonymous local volumes not used by at least one container."))
    return 0;
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto list = filtered_volumes(**eng, *filter);
  if (!list)
    return fail(list.error());
  bool all = a.flag("all");
  uint64_t reclaimed = 0;
  std::string deleted;
  for (const auto &v : *list) {
    std::string name = v.value("Name", "");
    bool anonymous = name.size() == 64 && std::all_of(name.begin(), name.end(), ::isxdigit);
    if (!all && !anonymous)
      continue;
    auto users = (*eng)->volume_users(name);
    if (!users || !users->empty())
      continue;
    uint64_t size = fs::tree_size(v.value("Mountpoint", ""));
    if ((*eng)->remove_volume(name, false)) {
      deleted += name + "\n";
      reclaimed += size;
    }
  }
  // docker/cli prints the list, and its header, only when something went.
  if (!deleted.empty())
    fmt::print("Deleted Volumes:\n{}\n", deleted);
  fmt::print("Total reclaimed space: {}\n", units::human_size(static_cast<double>(reclaimed)));
  return 0;
}

Command cmd_volume_create() {
  return {"volume create", "[OPTIONS] [VOLUME]", "Create a volume",
          {{"driver", 'd', FlagKind::value, "Specify volume driver name", "volume-drivers", "string"},
           {"label", 'l', FlagKind::list, "Set metadata for a volume", "none", "list"},
           {"name", 0, FlagKind::value, "Specify volume name", "none", "string"},
           {"opt", 'o', FlagKind::list, "Set driver specific options", "volume-options", "map"}},
          "", true, false, 0, 1, {}, run_volume_create};
}

Command cmd_volume_ls() {
  return {"volume ls", "[OPTIONS]", "List volumes",
          {{"filter", 'f', FlagKind::list, "Provide filter values (e.g. \"dangling=true\")", "volume-filters", "filter"},
           {"format", 0, FlagKind::value, "Format output using a custom template", "none", "string"},
           {"quiet", 'q', FlagKind::boolean, "Only display volume names"}},
          "", true, false, 0, 0, {"volume list"}, run_volume_ls};
}

Command cmd_volume_inspect() {
  return {"volume inspect", "[OPTIONS] VOLUME [VOLUME...]", "Display detailed information on one or more volumes",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"}},
          "volumes", true, false, 1, -1, {}, run_volume_inspect};
}

Command cmd_volume_rm() {
  return {"volume rm", "[OPTIONS] VOLUME [VOLUME...]", "Remove one or more volumes",
          {{"force", 'f', FlagKind::boolean, "Force the removal of one or more volumes"}},
          "volumes", true, true, 1, -1, {"volume remove"}, run_volume_rm};
}

Command cmd_volume_prune() {
  return {"volume prune", "[OPTIONS]", "Remove unused local volumes",
          {{"all", 'a', FlagKind::boolean, "Remove all unused volumes, not just anonymous ones"},
           {"filter", 0, FlagKind::list, "Provide filter values (e.g. \"label=<label>\")", "volume-prune-filters", "filter"},
           {"force", 'f', FlagKind::boolean, "Do not prompt for confirmation"}},
          "", true, true, 0, 0, {}, run_volume_prune};
}

} // namespace skiff::cli
