#include "skiff/engine/changes.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"

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

// Splits "A=1 B=\"two words\"" into words the way the Dockerfile does for
// ENV and LABEL: blanks separate, quotes group and are removed, a
// backslash escapes the next character.
static Result<std::vector<std::string>> split_words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); i++) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && quote != '\'') {
      cur += text[++i];
      in_word = true;
    } else if (quote) {
      if (c == quote)
        quote = 0;
      else
        cur += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word)
        out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote)
    return make_error(Errc::invalid, "unterminated quote in \"{}\"", text);
  if (in_word)
    out.push_back(std::move(cur));
  return out;
}

// The interval flags' values: Go durations, 0 or at least 1ms as Docker
// requires.
static Status set_duration(int64_t &field, const std::string &flag, const std::string &value) {
  auto d = timefmt::parse_go_duration(value);
  if (!d)
    return make_error(Errc::invalid, "HEALTHCHECK --{}: \"{}\" is not a duration (try 30s)", flag, value);
  if (*d != 0 && *d < 1'000'000)
    return make_error(Errc::invalid, "HEALTHCHECK --{} cannot be less than 1ms", flag);
  field = *d;
  return {};
}

// HEALTHCHECK NONE, or HEALTHCHECK [--interval=D] [--timeout=D]
// [--start-period=D] [--start-interval=D] [--retries=N] CMD command, as a
// Dockerfile takes it: a JSON array runs directly, anything else by the
// shell.
static Result<image::Healthcheck> parse_healthcheck(std::string arg) {
  image::Healthcheck h;
  bool flags = false;
  while (arg.rfind("--", 0) == 0) {
    auto end = arg.find_first_of(" \t");
    std::string word = arg.substr(2, end == std::string::npos ? end : end - 2);
    arg = end == std::string::npos ? "" : std::string(str::trim(arg.substr(end)));
    auto kv = str::cut(word, '=');
    if (!kv)
      return make_error(Errc::invalid, "HEALTHCHECK: missing a value on flag --{} (write --{}=VALUE)", word, word);
    const auto &[flag, value] = *kv;
    flags = true;
    if (flag == "interval")
      TRY_STATUS(set_duration(h.interval, flag, value));
    else if (flag == "timeout")
      TRY_STATUS(set_duration(h.timeout, flag, value));
    else if (flag == "start-period")
      TRY_STATUS(set_duration(h.start_period, flag, value));
    else if (flag == "start-interval")
      TRY_STATUS(set_duration(h.start_interval, flag, value));
    else if (flag == "retries") {
      auto n = str::to_int(value);
      if (!n || *n < 0 || *n > std::numeric_limits<int>::max())
        return make_error(Errc::invalid, "HEALTHCHECK --retries: \"{}\" is not a count of 0 or more", value);
      h.retries = static_cast<int>(*n);
    } else
      return make_error(Errc::invalid, "HEALTHCHECK: unknown flag --{}", flag);
  }
  if (arg.empty())
    return make_error(Errc::invalid, "HEALTHCHECK needs NONE, or CMD and a command");
  auto sp = arg.find_first_of(" \t");
  std::string type = str::lower(arg.substr(0, sp));
  std::string command = sp == std::string::npos ? "" : std::string(str::trim(arg.substr(sp)));
  if (type == "none") {
    if (flags || !command.empty())
      return make_error(Errc::invalid, "HEALTHCHECK NONE takes no arguments");
    return image::Healthcheck{{"NONE"}};
  }
  if (type != "cmd")
    return make_error(Errc::invalid, "Unknown type \"{}\" in HEALTHCHECK (try CMD)", arg.substr(0, sp));
  if (command.empty())
    return make_error(Errc::invalid, "Missing command after HEALTHCHECK CMD");
  bool shell = false;
  auto argv = TRY(parse_command_form(command, shell));
  if (shell)
    h.test = {"CMD-SHELL", command};
  else {
    h.test = {"CMD"};
    h.test.insert(h.test.end(), argv.begin(), argv.end());
  }
  return h;
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
    auto words = TRY(split_words(arg));
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!words.empty() && words[0].find('=') == std::string::npos) {
      // Legacy "ENV KEY value with spaces".
      auto parts = str::cut(arg, ' ');
      if (!parts)
        return make_error(Errc::invalid, "ENV needs a name and a value: \"{}\"", instruction);
      pairs.emplace_back(parts->first, std::string(str::trim(parts->second)));
    } else {
      for (const auto &w : words) {
        auto kv = str::cut(w, '=');
        if (!kv || kv->first.empty())
          return make_error(Errc::invalid, "ENV needs KEY=value pairs: \"{}\"", instruction);
        pairs.push_back(*kv);
      }
    }
    for (const auto &[k, v] : pairs) {
      std::erase_if(cfg.env, [&](const std::string &e) { return e.rfind(k + "=", 0) == 0; });
      cfg.env.push_back(k + "=" + v);
    }
  } else if (op == "workdir") {
    cfg.working_dir = arg;
  } else if (op == "user") {
    cfg.user = arg;
  } else if (op == "label") {
    auto words = TRY(split_words(arg));
    if (words.empty())
      return make_error(Errc::invalid, "LABEL needs key=value: \"{}\"", instruction);
    for (const auto &w : words) {
      auto kv = str::cut(w, '=');
      if (!kv || kv->first.empty())
        return make_error(Errc::invalid, "LABEL needs key=value pairs: \"{}\"", instruction);
      cfg.labels[kv->first] = kv->second;
    }
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
  } else if (op == "healthcheck") {
    cfg.healthcheck = TRY(parse_healthcheck(arg));
  } else {
    return make_error(Errc::invalid, "{} is not a valid change command", op);
  }
  return {};
}

} // namespace skiff::engine
