#include "skiff/image/config.hpp"

#include <sys/utsname.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "skiff/util/json_read.hpp"

namespace skiff::image {

using nlohmann::json;

// Docker's strslice: a list of strings, or one string for a list of one.
static std::vector<std::string> command(const JsonField &f) {
  if (f.present() && f.raw().is_string())
    return {f.as_string()};
  if (f.present() && !f.raw().is_array()) {
    f.fail(fmt::format("expected an array or a string, got {}", f.type_name()));
    return {};
  }
  return f.as_strings();
}

Result<ImageConfig> ImageConfig::parse(std::string_view text, const std::string &source) {
  auto doc = TRY(JsonDoc::parse(text, source));
  JsonField j = doc.root();
  ImageConfig c;
  c.architecture = j["architecture"].as_string();
  c.os = j["os"].as_string();
  c.created = j["created"].as_string();
  c.author = j["author"].as_string();
  c.comment = j["comment"].as_string();
  JsonField cfg = j["config"];
  c.config.user = cfg["User"].as_string();
  c.config.env = cfg["Env"].as_strings();
  c.config.entrypoint = command(cfg["Entrypoint"]);
  c.config.entrypoint_set = cfg["Entrypoint"].present();
  c.config.cmd = command(cfg["Cmd"]);
  c.config.working_dir = cfg["WorkingDir"].as_string();
  c.config.volumes = cfg["Volumes"].keys();
  c.config.exposed_ports = cfg["ExposedPorts"].keys();
  c.config.stop_signal = cfg["StopSignal"].as_string();
  c.config.labels = cfg["Labels"].as_string_map();
  c.config.healthcheck = Healthcheck::read(cfg["Healthcheck"]);
  for (const auto &d : j["rootfs"]["diff_ids"].elements())
    c.diff_ids.push_back(d.required().as_digest());
  for (const auto &h : j["history"].elements())
    c.history.push_back({h["created"].as_string(), h["created_by"].as_string(),
                         h["comment"].as_string(), h["empty_layer"].as_bool(), h["author"].as_string()});
  TRY_STATUS(doc.status());
  json unmodeled;
  for (const auto &[k, v] : j.raw().items())
    if (k != "architecture" && k != "os" && k != "created" && k != "author" && k != "comment" &&
        k != "config" && k != "rootfs" && k != "history")
      unmodeled[k] = v;
  if (unmodeled.is_object())
    c.extra = std::make_shared<const json>(std::move(unmodeled));
  static const char *const kModeled[] = {"User",         "Env",        "Entrypoint", "Cmd",    "WorkingDir",
                                         "Volumes",      "ExposedPorts", "StopSignal", "Labels", "Healthcheck"};
  json config_unmodeled;
  if (cfg.raw().is_object())
    for (const auto &[k, v] : cfg.raw().items())
      if (std::find(std::begin(kModeled), std::end(kModeled), k) == std::end(kModeled))
        config_unmodeled[k] = v;
  if (config_unmodeled.is_object())
    c.config_extra = std::make_shared<const json>(std::move(config_unmodeled));
  return c;
}

json ImageConfig::run_defaults_json() const {
  json cfg = json::object();
  if (!config.user.empty())
    cfg["User"] = config.user;
  if (!config.env.empty())
    cfg["Env"] = config.env;
  if (config.entrypoint_set)
    cfg["Entrypoint"] = config.entrypoint;
  if (!config.cmd.empty())
    cfg["Cmd"] = config.cmd;
  if (!config.working_dir.empty())
    cfg["WorkingDir"] = config.working_dir;
  if (!config.volumes.empty()) {
    cfg["Volumes"] = json::object();
    for (const auto &v : config.volumes)
      cfg["Volumes"][v] = json::object();
  }
  if (!config.exposed_ports.empty()) {
    cfg["ExposedPorts"] = json::object();
    for (const auto &p : config.exposed_ports)
      cfg["ExposedPorts"][p] = json::object();
  }
  if (!config.labels.empty())
    cfg["Labels"] = config.labels;
  if (!config.stop_signal.empty())
    cfg["StopSignal"] = config.stop_signal;
  if (config.healthcheck)
    cfg["Healthcheck"] = config.healthcheck->to_json();
  return cfg;
}

json ImageConfig::to_json() const {
  json j = extra ? *extra : json::object();
  j["architecture"] = architecture;
  j["os"] = os;
  if (!created.empty())
    j["created"] = created;
  if (!author.empty())
    j["author"] = author;
  if (!comment.empty())
    j["comment"] = comment;
  json cfg = run_defaults_json();
  if (config_extra)
    for (const auto &[k, v] : config_extra->items())
      cfg[k] = v;
  j["config"] = std::move(cfg);
  j["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
  if (!history.empty()) {
    json h = json::array();
    for (const auto &e : history) {
      json x = json::object();
      if (!e.created.empty())
        x["created"] = e.created;
      if (!e.author.empty())
        x["author"] = e.author;
      if (!e.created_by.empty())
        x["created_by"] = e.created_by;
      if (!e.comment.empty())
        x["comment"] = e.comment;
      if (e.empty_layer)
        x["empty_layer"] = true;
      h.push_back(x);
    }
    j["history"] = h;
  }
  return j;
}

std::string host_architecture() {
  utsname u;
  if (uname(&u) < 0)
    return "amd64";
  std::string m = u.machine;
  if (m == "x86_64")
    return "amd64";
  if (m == "aarch64")
    return "arm64";
  if (m.size() == 4 && m[0] == 'i' && m.substr(2) == "86")
    return "386";
  if (m.rfind("armv", 0) == 0)
    return "arm";
  return m;
}

} // namespace skiff::image
