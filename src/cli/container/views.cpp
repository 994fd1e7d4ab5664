#include "views.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "../image/views.hpp"
#include "skiff/cli/history_view.hpp"
#include "skiff/cli/port_views.hpp"
#include "skiff/cli/ps_command.hpp"
#include "skiff/engine/container_filter.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "skiff/util/units.hpp"

namespace skiff::cli {

using nlohmann::json;
using engine::RunStatus;

std::string status_text(const engine::ContainerState &s, int64_t now) {
  switch (s.status) {
  case RunStatus::running:
    return "Up " + timefmt::human_duration(now - s.started_at);
  case RunStatus::restarting:
    return fmt::format("Restarting ({}) {} ago", s.exit_code, timefmt::human_duration(now - s.finished_at));
  case RunStatus::exited:
    if (s.finished_at == 0)
      return "Created";
    return fmt::format("Exited ({}) {} ago", s.exit_code, timefmt::human_duration(now - s.finished_at));
  case RunStatus::created:
    return "Created";
  case RunStatus::paused:
    return "Up " + timefmt::human_duration(now - s.started_at) + " (Paused)";
  case RunStatus::removing:
    return "Removal In Progress";
  case RunStatus::dead:
    return "Dead";
  }
  return "";
}

static std::string image_display(const engine::ContainerView &v) {
  // Docker shows what the user asked for, or the ID once that name moved.
  if (auto ref = image::parse_reference(v.config.image_name)) {
    for (const auto &n : v.image.names)
      if (n == ref->full())
        return v.config.image_name;
  }
  return v.config.image_id.substr(0, 12);
}

json ps_headers() {
  return {{"ID", "CONTAINER ID"}, {"Image", "IMAGE"},       {"Command", "COMMAND"},
          {"CreatedAt", "CREATED AT"}, {"RunningFor", "CREATED"}, {"Ports", "PORTS"},
          {"State", "STATE"},   {"Status", "STATUS"},       {"Size", "SIZE"},
          {"Names", "NAMES"},   {"Labels", "LABELS"},       {"Mounts", "MOUNTS"},
          {"Networks", "NETWORKS"}, {"LocalVolumes", "LOCAL VOLUMES"}, {"Platform", "PLATFORM"}};
}

// docker/cli's ContainerContext.Size: the writable layer, and with it the
// virtual size (the image's added) once the daemon was asked for sizes.
static std::string size_text(const std::optional<engine::ContainerSize> &size) {
  if (!size || size->root_fs <= 0)
    return units::human_size(static_cast<double>(size ? size->rw : 0));
  return fmt::format("{} (virtual {})", units::human_size(static_cast<double>(size->rw)),
                     units::human_size(static_cast<double>(size->root_fs)));
}

// Keys as docker/cli's ContainerContext marshals them (sorted), plus its
// Label method's map.
static json ps_json(std::string id, std::string image, std::string command, std::string created,
                    std::string running_for, std::string state, std::string status, std::string size,
                    std::string names, const std::map<std::string, std::string> &labels, std::string mounts,
                    std::string networks, int local_volumes, std::string ports) {
  std::vector<std::string> pairs;
  for (const auto &[k, val] : labels)
    pairs.push_back(k + "=" + val);
  return {{"Command", std::move(command)},
          {"CreatedAt", std::move(created)},
          {"ID", std::move(id)},
          {"Image", std::move(image)},
          {"Labels", str::join(pairs, ",")},
          {"Label", labels},
          {"LocalVolumes", std::to_string(local_volumes)},
          {"Mounts", std::move(mounts)},
          {"Names", std::move(names)},
          {"Networks", std::move(networks)},
          {"Platform", nullptr},
          {"Ports", std::move(ports)},
          {"RunningFor", std::move(running_for)},
          {"Size", std::move(size)},
          {"State", std::move(state)},
          {"Status", std::move(status)}};
}

json ps_row(const engine::ContainerView &v, bool no_trunc, int64_t now,
            const std::optional<engine::ContainerSize> &size) {
  const auto &c = v.config;
  std::vector<std::string> mounts;
  int local_volumes = 0;
  for (const auto &m : c.mounts) {
    // As the daemon's MountPoints: --tmpfs is not one; a volume shows its
    // name, anything else its source.
    if (m.origin == "tmpfs" || (m.origin.empty() && m.type == "tmpfs"))
      continue;
    if (m.type == "volume")
      local_volumes++;
    std::string name = m.type == "tmpfs" ? "" : m.source;
    mounts.push_back(no_trunc ? name : ellipsis(name, 15));
  }
  return ps_json(no_trunc ? c.id : c.id.substr(0, 12), image_display(v), cli::ps_command(c.argv(), no_trunc),
                 timefmt::go_local_time(c.created / 1'000'000'000), timefmt::human_duration(now - c.created) + " ago",
                 engine::status_name(v.state.status), status_text(v.state, now), size_text(size), c.name,
                 c.labels, str::join(mounts, ","), engine::network_name(c.network), local_volumes,
                 ps_ports(c, v.state,
                          v.state.status == engine::RunStatus::running || v.state.status == engine::RunStatus::paused));
}

json ps_empty_row() {
  // What docker/cli's empty ContainerContext answers.
  return ps_json("", "<no image>", "\"\"", timefmt::go_local_time(0), "", "", "", "0B", "", {}, "", "", 0, "");
}

} // namespace skiff::cli
