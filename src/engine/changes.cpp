#include "skiff/engine/changes.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "skiff/util/strings.hpp"

namespace skiff::engine {

Result<std::vector<std::string>> parse_command_form(const std::string &text, bool &shell_form) {
  auto t = std::string(str::trim(text));
  shell_form = false;
  if (!t.empty() && t.front() == '[') {
    auto j = nlohmann::json::parse(t, nullptr, false);
    if (!j.is_discarded() && j.is_array() &&
        std::all_of(j.begin(), j.end(), [](const auto &v) { return v.is_string(); }))
      return j.get<std::vector<std::string>>();
  }
  shell_form = true;
  return std::vector<std::string>{"/bin/sh", "-c", t};
}

Status apply_change(image::RunDefaults &cfg, const std::string &instruction) {
  auto t = std::string(str::trim(instruction));
  auto sp = t.find_first_of(" \t");
  std::string op = str::lower(t.substr(0, sp));
  std::string arg = sp == std::string::npos ? "" : std::string(str::trim(t.substr(sp)));
  bool shell = false;
  if (op == "cmd") {
    cfg.cmd = TRY(parse_command_form(arg, shell));
  } else if (op == "entrypoint") {
    cfg.entrypoint = TRY(parse_command_form(arg, shell));
    cfg.entrypoint_set = true;
  } else if (op == "env") {
    auto kv = str::cut(arg, '=');
    if (!kv) {
      auto parts = str::cut(arg, ' ');
      if (!parts)
        return make_error(Errc::invalid, "ENV needs a name and a value: \"{}\"", instruction);
      kv = std::pair{parts->first, std::string(str::trim(parts->second))};
    }
    std::erase_if(cfg.env, [&](const std::string &e) { return e.rfind(kv->first + "=", 0) == 0; });
    cfg.env.push_back(kv->first + "=" + kv->second);
  } else if (op == "workdir") {
    cfg.working_dir = arg;
  } else if (op == "user") {
    cfg.user = arg;
  } else if (op == "label") {
    auto kv = str::cut(arg, '=');
    if (!kv)
      return make_error(Errc::invalid, "LABEL needs key=value: \"{}\"", instruction);
    auto v = kv->second;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
      v = v.substr(1, v.size() - 2);
    cfg.labels[kv->first] = v;
  } else if (op == "expose") {
    for (auto p : str::split(arg, ' '))
      if (!p.empty())
        cfg.exposed_ports.push_back(p.find('/') == std::string::npos ? p + "/tcp" : p);
  } else if (op == "volume") {
    std::vector<std::string> vols;
    if (!arg.empty() && arg.front() == '[')
      vols = TRY(parse_command_form(arg, shell));
    if (shell || vols.empty())
      vols = str::split(arg, ' ');
    for (auto &v : vols)
      if (!v.empty())
        cfg.volumes.push_back(v);
  } else if (op == "stopsignal") {
    cfg.stop_signal = arg;
  } else {
    return make_error(Errc::invalid, "{} is not a valid change command", op);
  }
  return {};
}

} // namespace skiff::engine
