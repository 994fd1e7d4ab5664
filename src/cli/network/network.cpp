// network create, ls, inspect, rm, prune, exists.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../registry.hpp"
#include "../view_types.hpp"
#include "skiff/cli/output.hpp"
#include "skiff/engine/network_connect.hpp"
#include "skiff/engine/network_filter.hpp"
#include "skiff/engine/networks.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::cli {

using nlohmann::json;

// KEY=VALUE, or KEY alone for an empty value (docker/cli's MapOpts and
// ConvertKVStringsToMap).
static std::map<std::string, std::string> key_values(const std::vector<std::string> &words) {
  std::map<std::string, std::string> out;
  for (const auto &w : words) {
    auto kv = str::cut(w, '=');
    out[kv ? kv->first : w] = kv ? kv->second : "";
  }
  return out;
}

// pflag's string slices: each value may hold several, comma-separated.
static std::vector<std::string> slice_values(const std::vector<std::string> &words) {
  std::vector<std::string> out;
  for (const auto &w : words)
    for (auto &v : str::split(w, ','))
      out.push_back(v);
  return out;
}

static int run_network_create(Context &ctx, const Args &a) {
  engine::NetworkCreate c;
  c.name = a.positional[0];
  c.driver = a.get("driver", "bridge");
  c.subnets = slice_values(a.all("subnet"));
  c.gateways = slice_values(a.all("gateway"));
  c.ip_ranges = slice_values(a.all("ip-range"));
  c.ipv6 = a.flag("ipv6");
  c.internal = a.flag("internal");
  c.labels = key_values(a.all("label"));
  c.options = key_values(a.all("opt"));
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto n = engine::create_network(**eng, c);
  if (!n)
    return fail(n.error());
  fmt::print("{}\n", n->id);
  return 0;
}

static engine::NetworkFilter::Subject subject_of(const engine::NetworkView &v) {
  const auto &n = v.record;
  return {n.id, n.name, n.driver, n.labels, engine::is_predefined_network(n.name), !v.leases.empty(), n.created};
}

static json row_of(const engine::NetworkView &v, bool trunc) {
  const auto &n = v.record;
  std::vector<std::string> labels;
  for (const auto &[k, val] : n.labels)
    labels.push_back(k + "=" + val);
  return {{"CreatedAt", timefmt::go_local_time_ns(n.created)},
          {"Driver", n.driver},
          {"ID", trunc ? ids::short_id(n.id) : n.id},
          {"IPv4", "true"},
          {"IPv6", n.ipv6 ? "true" : "false"},
          {"Internal", n.internal ? "true" : "false"},
          {"Label", n.labels},
          {"Labels", str::join(labels, ",")},
          {"Name", n.name},
          {"Scope", "local"}};
}

// Go's sortorder.NaturalLess, which docker/cli sorts networks by: runs of
// digits compare as numbers.
static bool natural_less(const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = std::isdigit(static_cast<unsigned char>(a[i])), db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      size_t si = i, sj = j;
      while (si < a.size() && a[si] == '0')
        si++;
      while (sj < b.size() && b[sj] == '0')
        sj++;
      size_t ei = si, ej = sj;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei])))
        ei++;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej])))
        ej++;
      if (ei - si != ej - sj)
        return ei - si < ej - sj;
      if (int c = a.compare(si, ei - si, b, sj, ej - sj); c != 0)
        return c < 0;
      if (ei - i != ej - j)  // more leading zeros first
        return ei - i < ej - j;
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] != b[j])
      return a[i] < b[j];
    i++;
    j++;
  }
  return a.size() - i < b.size() - j;
}

static int run_network_ls(Context &ctx, const Args &a) {
  auto filter = engine::parse_network_filter(a.all("filter"), false, timefmt::now_ns());
  if (!filter)
    return fail(filter.error());
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto views = engine::network_views(**eng);
  if (!views)
    return fail(views.error());
  std::vector<engine::NetworkView> list;
  for (auto &v : *views)
    if (filter->matches(subject_of(v)))
      list.push_back(std::move(v));
  std::stable_sort(list.begin(), list.end(), [](const engine::NetworkView &x, const engine::NetworkView &y) {
    return natural_less(x.record.name, y.record.name);
  });
  bool trunc = !a.flag("no-trunc");
  std::string format = a.get("format", "table");
  // docker/cli's NewFormat: -q turns only the table into IDs.
  if (format == "table")
    format = a.flag("quiet") ? "{{.ID}}" : "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
  std::vector<json> rows;
  for (const auto &v : list)
    rows.push_back(row_of(v, trunc));
  auto out = render_rows(format, rows,
                         {{"ID", "NETWORK ID"}, {"Name", "NAME"}, {"Driver", "DRIVER"}, {"Scope", "SCOPE"},
                          {"IPv4", "IPV4"}, {"IPv6", "IPV6"}, {"Internal", "INTERNAL"}, {"Labels", "LABELS"},
                          {"CreatedAt", "CREATED AT"}},
                         network_row_types());
  if (!out)
    return fail(out.error());
  fmt::print("{}", *out);
  return 0;
}

static int run_network_inspect(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  std::vector<Inspected> objs;
  std::vector<Error> missing;
  for (const auto &n : a.positional) {
    auto v = engine::network_view(**eng, n);
    if (v)
      objs.push_back({engine::network_inspect_json(*v), &network_inspect_types()});
    else
      missing.push_back(std::move(v).error());
  }
  // docker/cli prints what it found, then what it did not.
  int rc = print_inspect(a.get("format"), objs, true, 0);
  std::fflush(stdout);
  for (const auto &e : missing)
    rc = fail(e);
  return rc;
}

static int run_network_rm(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  int rc = 0;
  for (const auto &n : a.positional) {
    auto r = engine::remove_network(**eng, n);
    if (!r) {
      if (a.flag("force") && r.error().code == Errc::not_found)
        continue;
      fail(r.error());
      rc = 1;
      continue;
    }
    fmt::print("{}\n", n);
  }
  return rc;
}

static int run_network_prune(Context &ctx, const Args &a) {
  auto filter = engine::parse_network_filter(a.all("filter"), true, timefmt::now_ns());
  if (!filter)
    return fail(filter.error());
  if (!a.flag("force") && !confirm("WARNING! This will remove all custom networks not used by at least one container."))
    return 0;
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto views = engine::network_views(**eng);
  if (!views)
    return fail(views.error());
  std::string deleted;
  for (const auto &v : *views) {
    auto s = subject_of(v);
    if (s.predefined || s.in_use || !filter->matches(s))
      continue;
    // One that a container joined meanwhile is refused, and kept.
    if (engine::remove_network(**eng, v.record.id))
      deleted += v.record.name + "\n";
  }
  if (!deleted.empty())
    fmt::print("Deleted Networks:\n{}\n", deleted);
  return 0;
}

static int run_network_exists(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto v = engine::network_view(**eng, a.positional[0]);
  if (v)
    return 0;
  if (v.error().code == Errc::not_found)
    return 1;
  set_command_error_code(kExitRuntime);
  return fail(v.error());
}

Command cmd_network_create() {
  return {"network create", "[OPTIONS] NETWORK", "Create a network",
          {{"driver", 'd', FlagKind::value, "Driver to manage the Network (default \"bridge\")", "network-drivers", "string"},
           {"gateway", 0, FlagKind::list, "IPv4 or IPv6 Gateway for the master subnet", "none", "strings"},
           {"internal", 0, FlagKind::boolean, "Restrict external access to the network"},
           {"ip-range", 0, FlagKind::list, "Allocate container ip from a sub-range", "none", "strings"},
           {"ipv6", 0, FlagKind::boolean, "Enable or disable IPv6 address assignment"},
           {"label", 0, FlagKind::list, "Set metadata on a network", "none", "list"},
           {"opt", 'o', FlagKind::list, "Set driver specific options", "network-options", "map"},
           {"subnet", 0, FlagKind::list, "Subnet in CIDR format that represents a network segment", "none", "strings"}},
          "", true, false, 1, 1, {}, run_network_create};
}

Command cmd_network_ls() {
  return {"network ls", "[OPTIONS]", "List networks",
          {{"filter", 'f', FlagKind::list, "Provide filter values (e.g. \"driver=bridge\")", "network-filters", "filter"},
           {"format", 0, FlagKind::value, "Format output using a custom template", "none", "string"},
           {"no-trunc", 0, FlagKind::boolean, "Do not truncate the output"},
           {"quiet", 'q', FlagKind::boolean, "Only display network IDs"}},
          "", true, false, 0, 0, {"network list"}, run_network_ls};
}

Command cmd_network_inspect() {
  return {"network inspect", "[OPTIONS] NETWORK [NETWORK...]", "Display detailed information on one or more networks",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"}},
          "network-names", true, false, 1, -1, {}, run_network_inspect};
}

Command cmd_network_rm() {
  return {"network rm", "NETWORK [NETWORK...]", "Remove one or more networks",
          {{"force", 'f', FlagKind::boolean, "Do not error if the network does not exist"}},
          // Rootless, a network's bridge is in the store's network namespace,
          // which only the user's namespace may enter.
          "network-names", true, true, 1, -1, {"network remove"}, run_network_rm};
}

Command cmd_network_prune() {
  return {"network prune", "[OPTIONS]", "Remove all unused networks",
          {{"filter", 0, FlagKind::list, "Provide filter values (e.g. \"until=<timestamp>\")", "network-prune-filters", "filter"},
           {"force", 'f', FlagKind::boolean, "Do not prompt for confirmation"}},
          "", true, true, 0, 0, {}, run_network_prune};
}

static int run_network_connect(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  engine::ConnectRequest r{a.positional[0], a.positional[1], a.all("alias"), a.get("ip"), a.get("ip6")};
  if (auto s = engine::connect_network(**eng, r); !s)
    return fail(s.error());
  return 0;
}

static int run_network_disconnect(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  if (auto s = engine::disconnect_network(**eng, a.positional[0], a.positional[1], a.flag("force")); !s)
    return fail(s.error());
  return 0;
}

// Both enter the user's namespace rootless: the container's network
// namespace and the store's are its.
Command cmd_network_connect() {
  return {"network connect", "[OPTIONS] NETWORK CONTAINER", "Connect a container to a network",
          {{"alias", 0, FlagKind::list, "Add network-scoped alias for the container", "none", "list"},
           {"ip", 0, FlagKind::value, "IPv4 address (e.g., \"172.30.100.104\")", "none", "string"},
           {"ip6", 0, FlagKind::value, "IPv6 address (e.g., \"2001:db8::33\")", "none", "string"}},
          "network-then-container", true, true, 2, 2, {}, run_network_connect};
}

Command cmd_network_disconnect() {
  return {"network disconnect", "[OPTIONS] NETWORK CONTAINER", "Disconnect a container from a network",
          {{"force", 'f', FlagKind::boolean, "Force the container to disconnect from a network"}},
          "network-then-container", true, true, 2, 2, {}, run_network_disconnect};
}

Command cmd_network_exists() {
  return {"network exists", "NETWORK", "Check if a network exists",
          {}, "network-names", true, false, 1, 1, {}, run_network_exists};
}

} // namespace skiff::cli
