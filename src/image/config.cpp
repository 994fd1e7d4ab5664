#include "skiff/image/config.hpp"

#include <sys/utsname.h>

namespace skiff::image {

using nlohmann::json;

static std::vector<std::string> strings(const json &j, const char *key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end() && it->is_array())
    for (const auto &v : *it)
      if (v.is_string())
        out.push_back(v.get<std::string>());
  return out;
}

static std::vector<std::string> keys(const json &j, const char *key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end() && it->is_object())
    for (const auto &[k, v] : it->items())
      out.push_back(k);
  return out;
}

static std::string string(const json &j, const char *key) {
  if (auto it = j.find(key); it != j.end() && it->is_string())
    return it->get<std::string>();
  return {};
}

Result<ImageConfig> ImageConfig::parse(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(Errc::invalid, "image config is not a JSON object");
  ImageConfig c;
  c.architecture = string(j, "architecture");
  c.os = string(j, "os");
  c.created = string(j, "created");
  c.author = string(j, "author");
  if (auto it = j.find("config"); it != j.end() && it->is_object()) {
    const json &cfg = *it;
    c.config.user = string(cfg, "User");
    c.config.env = strings(cfg, "Env");
    c.config.entrypoint = strings(cfg, "Entrypoint");
    c.config.entrypoint_set = cfg.contains("Entrypoint") && cfg["Entrypoint"].is_array();
    c.config.cmd = strings(cfg, "Cmd");
    c.config.working_dir = string(cfg, "WorkingDir");
    c.config.volumes = keys(cfg, "Volumes");
    c.config.exposed_ports = keys(cfg, "ExposedPorts");
    c.config.stop_signal = string(cfg, "StopSignal");
    if (auto l = cfg.find("Labels"); l != cfg.end() && l->is_object())
      for (const auto &[k, v] : l->items())
        if (v.is_string())
          c.config.labels[k] = v.get<std::string>();
  }
  if (auto it = j.find("rootfs"); it != j.end() && it->is_object())
    c.diff_ids = strings(*it, "diff_ids");
  if (auto it = j.find("history"); it != j.end() && it->is_array())
    for (const auto &h : *it) {
      if (!h.is_object())
        continue;
      c.history.push_back({string(h, "created"), string(h, "created_by"), string(h, "comment"),
                           h.value("empty_layer", false)});
    }
  for (const auto &[k, v] : j.items())
    if (k != "architecture" && k != "os" && k != "created" && k != "author" && k != "config" &&
        k != "rootfs" && k != "history")
      c.extra[k] = v;
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
  return cfg;
}

json ImageConfig::to_json() const {
  json j = extra.is_object() ? extra : json::object();
  j["architecture"] = architecture;
  j["os"] = os;
  if (!created.empty())
    j["created"] = created;
  if (!author.empty())
    j["author"] = author;
  j["config"] = run_defaults_json();
  j["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
  if (!history.empty()) {
    json h = json::array();
    for (const auto &e : history) {
      json x = json::object();
      if (!e.created.empty())
        x["created"] = e.created;
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
