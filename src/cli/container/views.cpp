#include "views.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "../image/views.hpp"
#include "skiff/cli/ps_command.hpp"
#include "skiff/engine/container_filter.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

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
          {"Networks", "NETWORKS"}, {"LocalVolumes", "LOCAL VOLUMES"}};
}

json ps_row(const engine::ContainerView &v, bool no_trunc, int64_t now) {
  const auto &c = v.config;
  std::vector<std::string> labels, mounts;
  for (const auto &[k, val] : c.labels)
    labels.push_back(k + "=" + val);
  int local_volumes = 0;
  for (const auto &m : c.mounts) {
    if (m.type == "volume")
      local_volumes++;
    std::string name = m.type == "volume" ? m.source : m.destination;
    mounts.push_back(no_trunc || name.size() <= 15 ? name : name.substr(0, 15) + "…");
  }
  time_t secs = static_cast<time_t>(c.created / 1'000'000'000);
  tm t;
  gmtime_r(&secs, &t);
  std::string created_at = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} +0000 UTC", t.tm_year + 1900,
                                       t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
  std::string network = engine::network_name(c.network);
  return {{"ID", no_trunc ? c.id : c.id.substr(0, 12)},
          {"Image", image_display(v)},
          {"Command", cli::ps_command(c.argv(), no_trunc)},
          {"CreatedAt", created_at},
          {"RunningFor", timefmt::human_duration(now - c.created) + " ago"},
          {"Ports", ""},
          {"State", engine::status_name(v.state.status)},
          {"Status", status_text(v.state, now)},
          {"Size", "0B"},
          {"Names", c.name},
          {"Labels", str::join(labels, ",")},
          {"Label", c.labels},  // for {{.Label "KEY"}}; not in json output
          {"Mounts", str::join(mounts, ",")},
          {"Networks", network},
          {"LocalVolumes", std::to_string(local_volumes)}};
}


} // namespace skiff::cli
