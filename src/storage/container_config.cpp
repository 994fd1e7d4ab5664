#include "skiff/storage/container_config.hpp"

namespace skiff::storage {

using nlohmann::json;

std::vector<std::string> ContainerConfig::argv() const {
  std::vector<std::string> out = entrypoint;
  out.insert(out.end(), cmd.begin(), cmd.end());
  return out;
}

static json mount_json(const MountConfig &m) {
  return {{"type", m.type},         {"source", m.source},       {"destination", m.destination},
          {"readonly", m.readonly}, {"anonymous", m.anonymous}, {"options", m.options}};
}

json ContainerConfig::to_json() const {
  json j = {
      {"id", id},
      {"name", name},
      {"image_id", image_id},
      {"image_name", image_name},
      {"storage_driver", storage_driver},
      {"created", created},
      {"entrypoint", entrypoint},
      {"cmd", cmd},
      {"env", env},
      {"working_dir", working_dir},
      {"user", user},
      {"hostname", hostname},
      {"labels", labels},
      {"tty", tty},
      {"open_stdin", open_stdin},
      {"init", init},
      {"read_only", read_only},
      {"privileged", privileged},
      {"no_new_privileges", no_new_privileges},
      {"auto_remove", auto_remove},
      {"cap_add", cap_add},
      {"cap_drop", cap_drop},
      {"seccomp", seccomp},
      {"network", network},
      {"userns", userns},
      {"keep_id_uid", keep_id_uid},
      {"keep_id_gid", keep_id_gid},
      {"restart", {{"name", restart.name}, {"max_retries", restart.max_retries}}},
      {"stop_signal", stop_signal},
      {"stop_timeout", stop_timeout},
      {"exposed_ports", exposed_ports},
      {"log_driver", log_driver},
  };
  j["mounts"] = json::array();
  for (const auto &m : mounts)
    j["mounts"].push_back(mount_json(m));
  j["ulimits"] = json::array();
  for (const auto &u : ulimits)
    j["ulimits"].push_back({{"name", u.name}, {"soft", u.soft}, {"hard", u.hard}});
  j["devices"] = json::array();
  for (const auto &d : devices)
    j["devices"].push_back({{"path_on_host", d.path_on_host},
                            {"path_in_container", d.path_in_container},
                            {"cgroup_permissions", d.cgroup_permissions}});
  j["device_cgroup_rules"] = device_cgroup_rules;
  json l = json::object();
  if (limits.memory)
    l["memory"] = *limits.memory;
  if (limits.memory_swap)
    l["memory_swap"] = *limits.memory_swap;
  if (limits.cpus)
    l["cpus"] = *limits.cpus;
  if (limits.pids)
    l["pids"] = *limits.pids;
  j["limits"] = l;
  return j;
}

Result<ContainerConfig> ContainerConfig::from_json(const json &j) {
  try {
    ContainerConfig c;
    c.id = j.at("id").get<std::string>();
    c.name = j.at("name").get<std::string>();
    c.image_id = j.value("image_id", "");
    c.image_name = j.value("image_name", "");
    c.storage_driver = j.value("storage_driver", "");
    c.created = j.value("created", int64_t(0));
    c.entrypoint = j.value("entrypoint", std::vector<std::string>{});
    c.cmd = j.value("cmd", std::vector<std::string>{});
    c.env = j.value("env", std::vector<std::string>{});
    c.working_dir = j.value("working_dir", "");
    c.user = j.value("user", "");
    c.hostname = j.value("hostname", "");
    c.labels = j.value("labels", std::map<std::string, std::string>{});
    c.tty = j.value("tty", false);
    c.open_stdin = j.value("open_stdin", false);
    c.init = j.value("init", false);
    c.read_only = j.value("read_only", false);
    c.privileged = j.value("privileged", false);
    c.no_new_privileges = j.value("no_new_privileges", false);
    c.auto_remove = j.value("auto_remove", false);
    c.cap_add = j.value("cap_add", std::vector<std::string>{});
    c.cap_drop = j.value("cap_drop", std::vector<std::string>{});
    c.seccomp = j.value("seccomp", "");
    c.network = j.value("network", "default");
    c.userns = j.value("userns", "");
    c.keep_id_uid = j.value("keep_id_uid", uint32_t(0));
    c.keep_id_gid = j.value("keep_id_gid", uint32_t(0));
    if (auto r = j.find("restart"); r != j.end()) {
      c.restart.name = r->value("name", "no");
      c.restart.max_retries = r->value("max_retries", 0);
    }
    c.stop_signal = j.value("stop_signal", "");
    c.stop_timeout = j.value("stop_timeout", 10);
    c.exposed_ports = j.value("exposed_ports", std::vector<std::string>{});
    c.log_driver = j.value("log_driver", "json-file");
    for (const auto &m : j.value("mounts", json::array()))
      c.mounts.push_back({m.value("type", ""), m.value("source", ""), m.value("destination", ""),
                          m.value("readonly", false), m.value("anonymous", false),
                          m.value("options", std::vector<std::string>{})});
    for (const auto &u : j.value("ulimits", json::array()))
      c.ulimits.push_back({u.value("name", ""), u.value("soft", int64_t(0)), u.value("hard", int64_t(0))});
    for (const auto &d : j.value("devices", json::array()))
      c.devices.push_back({d.value("path_on_host", ""), d.value("path_in_container", ""),
                           d.value("cgroup_permissions", "rwm")});
    c.device_cgroup_rules = j.value("device_cgroup_rules", std::vector<std::string>{});
    json l = j.value("limits", json::object());
    if (l.contains("memory"))
      c.limits.memory = l["memory"].get<int64_t>();
    if (l.contains("memory_swap"))
      c.limits.memory_swap = l["memory_swap"].get<int64_t>();
    if (l.contains("cpus"))
      c.limits.cpus = l["cpus"].get<double>();
    if (l.contains("pids"))
      c.limits.pids = l["pids"].get<int64_t>();
    return c;
  } catch (const json::exception &e) {
    return make_error(Errc::invalid, "container config: {}", e.what());
  }
}

std::string status_name(RunStatus s) {
  switch (s) {
  case RunStatus::created: return "created";
  case RunStatus::running: return "running";
  case RunStatus::paused: return "paused";
  case RunStatus::restarting: return "restarting";
  case RunStatus::removing: return "removing";
  case RunStatus::exited: return "exited";
  case RunStatus::dead: return "dead";
  }
  return "unknown";
}

static RunStatus status_from(const std::string &s) {
  for (auto st : {RunStatus::created, RunStatus::running, RunStatus::paused, RunStatus::restarting,
                  RunStatus::removing, RunStatus::exited, RunStatus::dead})
    if (status_name(st) == s)
      return st;
  return RunStatus::dead;
}

json ContainerState::to_json() const {
  return {{"status", status_name(status)},
          {"pid", pid},
          {"pid_start", pid_start},
          {"supervisor_pid", supervisor_pid},
          {"supervisor_start", supervisor_start},
          {"exit_code", exit_code},
          {"error", error},
          {"started_at", started_at},
          {"finished_at", finished_at},
          {"restart_count", restart_count},
          {"oom_killed", oom_killed}};
}

ContainerState ContainerState::from_json(const json &j) {
  ContainerState s;
  s.status = status_from(j.value("status", "created"));
  s.pid = j.value("pid", 0);
  s.pid_start = j.value("pid_start", uint64_t(0));
  s.supervisor_pid = j.value("supervisor_pid", 0);
  s.supervisor_start = j.value("supervisor_start", uint64_t(0));
  s.exit_code = j.value("exit_code", 0);
  s.error = j.value("error", "");
  s.started_at = j.value("started_at", int64_t(0));
  s.finished_at = j.value("finished_at", int64_t(0));
  s.restart_count = j.value("restart_count", 0);
  s.oom_killed = j.value("oom_killed", false);
  return s;
}

} // namespace skiff::storage
