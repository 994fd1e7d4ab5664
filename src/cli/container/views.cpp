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

static std::string bind_propagation(const engine::MountConfig &m) {
  for (const char *p : {"private", "rprivate", "shared", "rshared", "slave", "rslave"})
    if (std::find(m.options.begin(), m.options.end(), p) != m.options.end())
      return p;
  return "rprivate";
}

json inspect_json(const engine::ContainerView &v, const engine::Options &opts,
                  const engine::GraphDriver &driver) {
  const auto &c = v.config;
  const auto &s = v.state;
  bool running = s.status == RunStatus::running;
  json state = {{"Status", engine::status_name(s.status)},
                {"Running", running},
                {"Paused", s.status == RunStatus::paused},
                {"Restarting", s.status == RunStatus::restarting},
                {"OOMKilled", s.oom_killed},
                {"Dead", s.status == RunStatus::dead},
                {"Pid", running ? s.pid : 0},
                {"ExitCode", s.exit_code},
                {"Error", s.error},
                {"StartedAt", timefmt::rfc3339nano(s.started_at)},
                {"FinishedAt", timefmt::rfc3339nano(s.finished_at)}};
  json mounts = json::array();
  json binds = json::array();
  for (const auto &m : c.mounts) {
    json mj = {{"Type", m.type},
               {"Destination", m.destination},
               {"Mode", m.readonly ? "ro" : ""},
               {"RW", !m.readonly},
               {"Propagation", m.type == "bind" ? bind_propagation(m) : ""}};
    if (m.type == "volume") {
      mj["Name"] = m.source;
      mj["Source"] = opts.root + "/volumes/" + m.source + "/_data";
      mj["Driver"] = "local";
    } else {
      mj["Source"] = m.source;
    }
    if (m.type == "bind")
      binds.push_back(m.source + ":" + m.destination + (m.readonly ? ":ro" : ""));
    mounts.push_back(mj);
  }
  json ulimits = json::array();
  for (const auto &u : c.ulimits)
    ulimits.push_back({{"Name", u.name}, {"Soft", u.soft}, {"Hard", u.hard}});
  json devices = json::array();
  for (const auto &d : c.devices)
    devices.push_back({{"PathOnHost", d.path_on_host},
                       {"PathInContainer", d.path_in_container},
                       {"CgroupPermissions", d.cgroup_permissions}});
  json security = json::array();
  if (c.no_new_privileges)
    security.push_back("no-new-privileges");
  if (c.seccomp == "unconfined")
    security.push_back("seccomp=unconfined");
  else if (!c.seccomp.empty())
    security.push_back("seccomp=<profile>");
  std::map<std::string, std::string> tmpfs;
  for (const auto &m : c.mounts)
    if (m.type == "tmpfs")
      tmpfs[m.destination] = str::join(m.options, ",");
  json host_config = {
      {"Binds", binds.empty() ? json(nullptr) : binds},
      {"NetworkMode", engine::network_name(c.network)},
      {"RestartPolicy", {{"Name", c.restart.name}, {"MaximumRetryCount", c.restart.max_retries}}},
      {"LogConfig", {{"Type", c.log_driver}, {"Config", json::object()}}},
      {"AutoRemove", c.auto_remove},
      {"CapAdd", c.cap_add.empty() ? json(nullptr) : json(c.cap_add)},
      {"CapDrop", c.cap_drop.empty() ? json(nullptr) : json(c.cap_drop)},
      {"Privileged", c.privileged},
      {"ReadonlyRootfs", c.read_only},
      {"SecurityOpt", security.empty() ? json(nullptr) : security},
      {"Tmpfs", tmpfs.empty() ? json(nullptr) : json(tmpfs)},
      {"Init", c.init},
      {"Memory", c.limits.memory.value_or(0)},
      {"MemorySwap", c.limits.memory_swap.value_or(0)},
      {"NanoCpus", static_cast<int64_t>(c.limits.cpus.value_or(0) * 1e9)},
      {"PidsLimit", c.limits.pids ? json(*c.limits.pids) : json(nullptr)},
      {"Ulimits", ulimits.empty() ? json(nullptr) : ulimits},
      {"Devices", devices},
      {"DeviceCgroupRules", c.device_cgroup_rules.empty() ? json(nullptr) : json(c.device_cgroup_rules)}};
  json exposed = json::object();
  for (const auto &p : c.exposed_ports)
    exposed[p] = json::object();
  json config = {{"Hostname", c.hostname},
                 {"User", c.user},
                 {"AttachStdin", false},
                 {"Tty", c.tty},
                 {"OpenStdin", c.open_stdin},
                 {"Env", c.env},
                 {"Cmd", c.cmd.empty() ? json(nullptr) : json(c.cmd)},
                 {"Image", c.image_name},
                 {"WorkingDir", c.working_dir},
                 {"Entrypoint", c.entrypoint.empty() ? json(nullptr) : json(c.entrypoint)},
                 {"Labels", c.labels},
                 {"StopSignal", c.stop_signal.empty() ? "SIGTERM" : c.stop_signal},
                 {"StopTimeout", c.stop_timeout}};
  if (!exposed.empty())
    config["ExposedPorts"] = exposed;
  if (c.healthcheck)
    config["Healthcheck"] = c.healthcheck->to_json();
  std::string net = engine::network_name(c.network);
  auto addresses = engine::network_addresses(c.network);
  json networks = json::object();
  networks[net] = {{"IPAddress", addresses.address},
                   {"Gateway", addresses.gateway},
                   {"MacAddress", ""},
                   {"NetworkID", net}};
  auto argv = c.argv();
  std::vector<std::string> args(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  return {{"Id", c.id},
          {"Created", timefmt::rfc3339nano(c.created)},
          {"Path", argv.empty() ? "" : argv[0]},
          {"Args", args},
          {"State", state},
          {"Image", "sha256:" + c.image_id},
          {"ResolvConfPath", opts.root + "/containers/" + c.id + "/resolv.conf"},
          {"HostnamePath", opts.root + "/containers/" + c.id + "/hostname"},
          {"HostsPath", opts.root + "/containers/" + c.id + "/hosts"},
          {"LogPath", c.log_driver == "none" ? "" : opts.root + "/containers/" + c.id + "/ctr.log"},
          {"Name", "/" + c.name},
          {"RestartCount", s.restart_count},
          {"Driver", driver.name},
          {"Platform", "linux"},
          {"GraphDriver", graph_driver_json(driver)},
          {"HostConfig", host_config},
          {"Mounts", mounts},
          {"Config", config},
          {"NetworkSettings",
           {{"Networks", networks},
            {"IPAddress", addresses.address},
            {"Gateway", addresses.gateway},
            {"Ports", json::object()}}}};
}


} // namespace skiff::cli
