// The config of a committed image (moby daemon/commit.go and
// image/image.go NewChildImage).
#include <nlohmann/json.hpp>

#include "skiff/engine/changes.hpp"
#include "skiff/engine/commit.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::engine {

using nlohmann::json;

namespace {

// Anonymous volumes, of -v or the image: Config.Volumes.
std::vector<std::string> config_volumes(const ContainerConfig &c) {
  std::vector<std::string> out;
  for (const auto &m : c.mounts)
    if (m.type == "volume" && m.anonymous && m.origin != "mount")
      out.push_back(m.destination);
  return out;
}

image::RunDefaults run_defaults(const ContainerConfig &c) {
  image::RunDefaults d;
  d.user = c.user;
  d.env = c.env;
  d.entrypoint = c.entrypoint;
  d.entrypoint_set = !c.entrypoint.empty();
  d.cmd = c.cmd;
  d.working_dir = c.working_dir;
  d.volumes = config_volumes(c);
  d.exposed_ports = c.exposed_ports;
  d.labels = c.labels;
  d.stop_signal = c.stop_signal;
  d.healthcheck = c.healthcheck;
  return d;
}

json strings_or_null(const std::vector<std::string> &v) { return v.empty() ? json(nullptr) : json(v); }

// The container's Config as the Engine API shows it.
json container_config_json(const ContainerConfig &c) {
  json volumes = json::object();
  for (const auto &v : config_volumes(c))
    volumes[v] = json::object();
  json j = {{"Hostname", c.hostname},       {"Domainname", ""},
            {"User", c.user},               {"AttachStdin", c.attach_stdin},
            {"AttachStdout", c.attach_stdout}, {"AttachStderr", c.attach_stderr},
            {"Tty", c.tty},                 {"OpenStdin", c.open_stdin},
            {"StdinOnce", c.stdin_once},    {"Env", strings_or_null(c.env)},
            {"Cmd", strings_or_null(c.cmd)}, {"Image", c.image_name},
            {"Volumes", volumes.empty() ? json(nullptr) : volumes},
            {"WorkingDir", c.working_dir},  {"Entrypoint", strings_or_null(c.entrypoint)},
            {"OnBuild", nullptr},           {"Labels", c.labels}};
  if (!c.exposed_ports.empty()) {
    json ports = json::object();
    for (const auto &p : c.exposed_ports)
      ports[p] = json::object();
    j["ExposedPorts"] = ports;
  }
  if (c.healthcheck)
    j["Healthcheck"] = c.healthcheck->to_json();
  if (!c.stop_signal.empty())
    j["StopSignal"] = c.stop_signal;
  return j;
}

} // namespace

Result<ImageConfig> committed_config(const ImageConfig &base, const ContainerConfig &c,
                                     const CommitRequest &r, const std::string &created,
                                     const std::string &diff_id) {
  ImageConfig cfg = base;
  cfg.config = run_defaults(c);
  for (const auto &change : r.changes)
    TRY_STATUS(apply_change(cfg.config, change));
  cfg.created = created;
  cfg.author = r.author;
  cfg.comment = r.comment;
  if (!diff_id.empty())
    cfg.diff_ids.push_back(diff_id);
  cfg.history.push_back({created, str::join(c.cmd, " "), r.comment, diff_id.empty(), r.author});
  json extra = base.extra ? *base.extra : json::object();
  // Written by the engine that made the image; this one is not Docker.
  extra.erase("docker_version");
  extra["container"] = c.id;
  extra["container_config"] = container_config_json(c);
  cfg.extra = std::make_shared<const json>(std::move(extra));
  cfg.config_extra.reset();
  return cfg;
}

} // namespace skiff::engine
