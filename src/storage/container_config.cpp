#include "skiff/storage/container_config.hpp"

#include <nlohmann/json.hpp>

#include "skiff/util/json_read.hpp"

namespace skiff::storage {

using nlohmann::json;

std::vector<std::string> ContainerConfig::argv() const {
  std::vector<std::string> out = entrypoint;
  out.insert(out.end(), cmd.begin(), cmd.end());
  return out;
}

static json mount_json(const MountConfig &m) {
  json j = {{"type", m.type},         {"source", m.source},       {"destination", m.destination},
            {"readonly", m.readonly}, {"anonymous", m.anonymous}, {"options", m.options},
            {"create_source", m.create_source}, {"origin", m.origin},       {"mode", m.mode}};
  if (!m.volume_driver.empty())
    j["volume_driver"] = m.volume_driver;
  if (!m.volume_options.empty())
    j["volume_options"] = m.volume_options;
  return j;
}

json ContainerConfig::to_json() const {
  json j = {
      {"id", id},
      {"name", name},
      {"image_id", image_id},
      {"image_name", image_name},
      {"storage_driver", storage_driver ? std::string(driver_name(*storage_driver)) : ""},
      {"created", created},
      {"entrypoint", entrypoint},
      {"cmd", cmd},
      {"env", env},
      {"working_dir", working_dir},
      {"user", user},
      {"group_add", group_add},
      {"hostname", hostname},
      {"extra_hosts", extra_hosts},
      {"dns", dns},
      {"dns_search", dns_search},
      {"dns_options", dns_options},
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
      {"stop_timeout_set", stop_timeout_set},
      {"attach_stdin", attach_stdin},
      {"attach_stdout", attach_stdout},
      {"attach_stderr", attach_stderr},
      {"stdin_once", stdin_once},
      {"exposed_ports", exposed_ports},
      {"log_driver", log_driver},
  };
  if (!image_layers.empty()) {
    j["image_layers"] = image_layers;
    j["image_size"] = image_size;
  }
  if (!networks.empty()) {
    j["networks"] = json::array();
    for (const auto &n : networks)
      j["networks"].push_back({{"network", n.network}, {"aliases", n.aliases}, {"ip", n.ip}, {"ip6", n.ip6}, {"mac", n.mac}});
  }
  if (!links.empty())
    j["links"] = links;
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
  if (!port_bindings.empty()) {
    j["port_bindings"] = json::array();
    for (const auto &b : port_bindings)
      j["port_bindings"].push_back({{"port", b.port}, {"host_ip", b.host_ip}, {"host_port", b.host_port}});
  }
  if (publish_all)
    j["publish_all"] = true;
  if (healthcheck)
    j["healthcheck"] = healthcheck->to_json();
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

Result<ContainerConfig> ContainerConfig::parse(std::string_view text, const std::string &source) {
  auto doc = TRY(JsonDoc::parse(text, source, Errc::failed));
  JsonField j = doc.root();
  ContainerConfig c;
  c.id = j["id"].required().as_string();
  c.name = j["name"].required().as_string();
  c.image_id = j["image_id"].as_string();
  c.image_name = j["image_name"].as_string();
  if (auto driver = j["storage_driver"].as_string(); !driver.empty()) {
    if (auto kind = parse_driver(driver))
      c.storage_driver = *kind;
    else
      j["storage_driver"].fail(kind.error().message);
  }
  c.created = j["created"].as_int<int64_t>();
  c.entrypoint = j["entrypoint"].as_strings();
  c.cmd = j["cmd"].as_strings();
  c.env = j["env"].as_strings();
  c.working_dir = j["working_dir"].as_string();
  c.user = j["user"].as_string();
  c.group_add = j["group_add"].as_strings();
  c.hostname = j["hostname"].as_string();
  c.extra_hosts = j["extra_hosts"].as_strings();
  c.dns = j["dns"].as_strings();
  c.dns_search = j["dns_search"].as_strings();
  c.dns_options = j["dns_options"].as_strings();
  c.labels = j["labels"].as_string_map();
  c.tty = j["tty"].as_bool();
  c.open_stdin = j["open_stdin"].as_bool();
  c.init = j["init"].as_bool();
  c.read_only = j["read_only"].as_bool();
  c.privileged = j["privileged"].as_bool();
  c.no_new_privileges = j["no_new_privileges"].as_bool();
  c.auto_remove = j["auto_remove"].as_bool();
  c.cap_add = j["cap_add"].as_strings();
  c.cap_drop = j["cap_drop"].as_strings();
  c.seccomp = j["seccomp"].as_string();
  if (j["network"].present())
    c.network = j["network"].as_string();
  for (const auto &n : j["networks"].elements())
    c.networks.push_back({n["network"].as_string(), n["aliases"].as_strings(), n["ip"].as_string(),
                          n["ip6"].as_string(), n["mac"].as_string()});
  c.links = j["links"].as_strings();
  c.userns = j["userns"].as_string();
  c.keep_id_uid = j["keep_id_uid"].as_int<uint32_t>();
  c.keep_id_gid = j["keep_id_gid"].as_int<uint32_t>();
  if (j["restart"]["name"].present())
    c.restart.name = j["restart"]["name"].as_string();
  c.restart.max_retries = j["restart"]["max_retries"].as_int<int>();
  c.stop_signal = j["stop_signal"].as_string();
  if (j["stop_timeout"].present())
    c.stop_timeout = j["stop_timeout"].as_int<int>();
  c.stop_timeout_set = j["stop_timeout_set"].as_bool();
  c.attach_stdin = j["attach_stdin"].as_bool();
  c.attach_stdout = j["attach_stdout"].as_bool();
  c.attach_stderr = j["attach_stderr"].as_bool();
  c.stdin_once = j["stdin_once"].as_bool();
  c.exposed_ports = j["exposed_ports"].as_strings();
  c.healthcheck = image::Healthcheck::read(j["healthcheck"]);
  if (j["log_driver"].present())
    c.log_driver = j["log_driver"].as_string();
  c.image_layers = j["image_layers"].as_strings();
  c.image_size = j["image_size"].as_int<int64_t>();
  for (const auto &m : j["mounts"].elements())
    c.mounts.push_back({m["type"].as_string(), m["source"].as_string(), m["destination"].as_string(),
                        m["readonly"].as_bool(), m["anonymous"].as_bool(), m["options"].as_strings(),
                        m["origin"].as_string(), m["mode"].as_string(), m["create_source"].as_bool(),
                        m["volume_driver"].as_string(), m["volume_options"].as_string_map()});
  for (const auto &u : j["ulimits"].elements())
    c.ulimits.push_back({u["name"].as_string(), u["soft"].as_int<int64_t>(), u["hard"].as_int<int64_t>()});
  for (const auto &d : j["devices"].elements())
    c.devices.push_back({d["path_on_host"].as_string(), d["path_in_container"].as_string(),
                         d["cgroup_permissions"].present() ? d["cgroup_permissions"].as_string() : "rwm"});
  c.device_cgroup_rules = j["device_cgroup_rules"].as_strings();
  for (const auto &b : j["port_bindings"].elements())
    c.port_bindings.push_back({b["port"].required().as_string(), b["host_ip"].as_string(), b["host_port"].as_string()});
  c.publish_all = j["publish_all"].as_bool();
  JsonField l = j["limits"];
  if (l["memory"].present())
    c.limits.memory = l["memory"].as_int<int64_t>();
  if (l["memory_swap"].present())
    c.limits.memory_swap = l["memory_swap"].as_int<int64_t>();
  if (l["cpus"].present())
    c.limits.cpus = l["cpus"].as_number();
  if (l["pids"].present())
    c.limits.pids = l["pids"].as_int<int64_t>();
  TRY_STATUS(doc.status());
  return c;
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
  json j = {{"status", status_name(status)},
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
  if (!ports.empty()) {
    j["ports"] = json::array();
    for (const auto &p : ports)
      j["ports"].push_back({{"port", p.port}, {"host_ip", p.host_ip}, {"host_port", p.host_port}});
  }
  return j;
}

Result<ContainerState> ContainerState::parse(std::string_view text, const std::string &source) {
  auto doc = TRY(JsonDoc::parse(text, source, Errc::failed));
  JsonField j = doc.root();
  ContainerState s;
  if (j["status"].present())
    s.status = status_from(j["status"].as_string());
  s.pid = j["pid"].as_int<int>();
  s.pid_start = j["pid_start"].as_int<uint64_t>();
  s.supervisor_pid = j["supervisor_pid"].as_int<int>();
  s.supervisor_start = j["supervisor_start"].as_int<uint64_t>();
  s.exit_code = j["exit_code"].as_int<int>();
  s.error = j["error"].as_string();
  s.started_at = j["started_at"].as_int<int64_t>();
  s.finished_at = j["finished_at"].as_int<int64_t>();
  s.restart_count = j["restart_count"].as_int<int>();
  s.oom_killed = j["oom_killed"].as_bool();
  for (const auto &p : j["ports"].elements())
    s.ports.push_back({p["port"].required().as_string(), p["host_ip"].as_string(), p["host_port"].as_int<int>()});
  TRY_STATUS(doc.status());
  return s;
}

} // namespace skiff::storage
