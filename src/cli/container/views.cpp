#include "views.hpp"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "../image/views.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::cli {

using nlohmann::json;
using engine::RunStatus;

namespace {

// The default network is shown as podman shows its own: "slirp4netns",
// the name of this network (libslirp's, at the same addresses) there.
std::string network_name(const std::string &mode) {
  return mode == "default" ? "slirp4netns" : mode;
}

} // namespace

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

static std::string shell_words(const std::vector<std::string> &argv) {
  return str::join(argv, " ");
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
  std::string cmd = shell_words(c.argv());
  if (!no_trunc && cmd.size() > 20)
    cmd = cmd.substr(0, 19) + "…";
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
  std::string network = network_name(c.network);
  return {{"ID", no_trunc ? c.id : c.id.substr(0, 12)},
          {"Image", image_display(v)},
          {"Command", "\"" + cmd + "\""},
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

Result<bool> filter_matches(const engine::ContainerView &v, const std::string &filter) {
  auto kv = str::cut(filter, '=');
  if (!kv)
    return make_error(Errc::invalid, "bad format of filter \"{}\" (expected name=value)", filter);
  const auto &[key, value] = *kv;
  const auto &c = v.config;
  if (key == "name") {
    // A regular expression, as Docker takes it ("^web$").
    try {
      return std::regex_search(c.name, std::regex(value));
    } catch (const std::regex_error &) {
      return make_error(Errc::invalid, "invalid filter 'name={}': not a regular expression", value);
    }
  }
  if (key == "id")
    return c.id.rfind(value, 0) == 0;
  if (key == "status") {
    static const char *known[] = {"created", "restarting", "running", "removing", "paused", "exited", "dead"};
    if (std::find(std::begin(known), std::end(known), value) == std::end(known))
      return make_error(Errc::invalid, "invalid filter 'status={}'", value);
    return engine::status_name(v.state.status) == value;
  }
  if (key == "label") {
    auto lkv = str::cut(value, '=');
    auto it = c.labels.find(lkv ? lkv->first : value);
    return it != c.labels.end() && (!lkv || it->second == lkv->second);
  }
  if (key == "exited") {
    auto code = str::to_int(value);
    if (!code)
      return make_error(Errc::invalid, "invalid filter 'exited={}'", value);
    return v.state.status == RunStatus::exited && v.state.finished_at != 0 && v.state.exit_code == *code;
  }
  if (key == "ancestor") {
    if (c.image_id.rfind(value, 0) == 0 || c.image_name == value)
      return true;
    if (auto ref = image::parse_reference(value))
      return std::find(v.image.names.begin(), v.image.names.end(), ref->full()) != v.image.names.end();
    return false;
  }
  return make_error(Errc::invalid, "invalid filter '{}'", key);
}

} // namespace skiff::cli
