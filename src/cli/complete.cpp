// The hidden "__complete" command the shell scripts call:
//   skiff __complete WORD... CURRENT
// prints one candidate per line for the word being completed.
#include <signal.h>

#include <algorithm>

#include <fmt/format.h>

#include "registry.hpp"
#include "skiff/dockerfile/dockerfile.hpp"
#include "skiff/engine/completion.hpp"
#include "skiff/engine/pull.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::cli {

static std::vector<std::string> live_names(Context &ctx, const std::string &kind) {
  std::vector<std::string> out;
  // Completion reads the store without entering a user namespace: fast.
  auto eng = engine::Engine::open(ctx.options(), false);
  if (!eng)
    return out;
  if (kind.rfind("containers", 0) == 0) {
    auto f = kind == "containers-running"   ? engine::NameFilter::running
             : kind == "containers-stopped" ? engine::NameFilter::stopped
                                            : engine::NameFilter::all;
    out = engine::container_names(*eng, f);
  }
  if (kind == "images" || kind == "containers-and-images") {
    auto images = engine::image_names(*eng);
    out.insert(out.end(), images.begin(), images.end());
  }
  if (kind == "volumes")
    out = engine::volume_names(*eng);
  if (kind == "network-names")
    out = engine::network_names(*eng);
  if (kind == "networks") {
    // --network: a network's name, a mode, or container:NAME.
    out = engine::network_names(*eng);
    for (const char *mode : {"default", "none", "host", "pasta", "slirp4netns"})
      out.push_back(mode);
    for (const auto &c : engine::container_names(*eng, engine::NameFilter::all))
      out.push_back("container:" + c);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  if (kind == "registries")
    out = engine::known_registries();
  return out;
}

static std::vector<std::string> static_values(const std::string &kind) {
  if (kind == "signals")
    return {"SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGTERM", "SIGSTOP", "SIGCONT"};
  if (kind == "restart")
    return {"no", "on-failure", "always", "unless-stopped"};
  if (kind == "log-drivers")
    return {"json-file", "none"};
  if (kind == "userns")
    return {"host", "keep-id"};
  if (kind == "security-opt")
    return {"no-new-privileges", "seccomp=unconfined", "seccomp="};
  if (kind == "capabilities") {
    auto caps = engine::capability_names();
    caps.push_back("ALL");
    return caps;
  }
  if (kind == "platforms")
    return {"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386", "linux/ppc64le",
            "linux/s390x", "linux/riscv64"};
  if (kind == "image-filters")
    return {"dangling=", "reference=", "before=", "since=", "label="};
  if (kind == "image-prune-filters")
    return {"dangling=", "label=", "label!=", "until="};
  if (kind == "search-filters")
    return {"is-official=", "stars="};
  if (kind == "builder-prune-filters")
    return {"until="};
  if (kind == "build-networks")
    return {"default", "host", "none"};
  if (kind == "build-progress")
    return {"auto", "plain", "quiet", "tty"};
  if (kind == "pull-policies")
    return {"always", "missing", "never"};
  if (kind == "archive-formats")
    return {"docker-archive", "oci-archive", "oci-dir"};
  if (kind == "compression-formats")
    return {"gzip", "zstd"};
  if (kind == "manifest-formats")
    return {"docker", "oci", "v2s2"};
  if (kind == "inspect-types")
    return {"container", "image", "network", "volume"};
  if (kind == "ps-filters")
    return {"ancestor=", "before=", "exited=", "id=", "is-task=", "isolation=", "label=",
            "name=", "network=", "since=", "status=", "volume="};
  if (kind == "volume-filters")
    return {"dangling=", "driver=", "label=", "name="};
  if (kind == "volume-drivers")
    return {"local"};
  if (kind == "volume-options")
    return {"device=", "o=", "size=", "type="};
  if (kind == "network-drivers")
    return {"bridge"};
  if (kind == "network-options")
    return {"com.docker.network.bridge.name=", "com.docker.network.bridge.enable_ip_masquerade=",
            "com.docker.network.bridge.enable_icc=", "com.docker.network.bridge.host_binding_ipv4=",
            "com.docker.network.driver.mtu="};
  if (kind == "network-filters")
    return {"dangling=", "driver=", "id=", "label=", "name=", "scope=", "type="};
  if (kind == "network-prune-filters")
    return {"label=", "label!=", "until="};
  if (kind == "volume-prune-filters")
    return {"label=", "label!="};
  if (kind == "detach-keys") {
    // The default and each single Ctrl key (Docker completes "ctrl-").
    std::vector<std::string> keys{"ctrl-p,ctrl-q"};
    for (char c = 'a'; c <= 'z'; c++)
      keys.push_back(std::string("ctrl-") + c);
    return keys;
  }
  if (kind == "ulimits")
    return {"nofile=", "nproc=", "core=", "memlock=", "stack="};
  return {};
}

// The stage names (build-stages) or ARG names, as "NAME=" (build-args),
// of the Dockerfile a build command line names: -f's file, else its
// context's Dockerfile or Containerfile (the current directory's when no
// context is typed yet). Nothing when it does not parse.
static std::vector<std::string> dockerfile_names(const Command &cmd, const std::vector<std::string> &typed,
                                                 const std::string &kind) {
  auto a = parse_args(cmd, typed);
  if (!a) {
    // No context typed yet: the current directory's.
    auto with_context = typed;
    with_context.push_back(".");
    a = parse_args(cmd, with_context);
  }
  if (!a)
    return {};
  std::string context = a->positional.empty() ? "." : a->positional[0];
  std::string file = a->get("file");
  if (file.empty())
    file = fs::exists(context + "/Dockerfile") || !fs::exists(context + "/Containerfile")
               ? context + "/Dockerfile" : context + "/Containerfile";
  auto text = fs::read_file(file);
  if (!text)
    return {};
  auto df = dockerfile::parse(*text, file);
  if (!df)
    return {};
  std::vector<std::string> out;
  auto add = [&](std::string v) {
    if (std::find(out.begin(), out.end(), v) == out.end())
      out.push_back(std::move(v));
  };
  if (kind == "build-stages") {
    for (const auto &st : df->stages)
      if (!st.name.empty())
        add(st.name);
    return out;
  }
  for (const auto &m : df->meta_args)
    for (const auto &d : m.args)
      add(d.key + "=");
  for (const auto &st : df->stages)
    for (const auto &c : st.commands)
      if (auto *arg = std::get_if<dockerfile::ArgCmd>(&c.body))
        for (const auto &d : arg->args)
          add(d.key + "=");
  return out;
}

// Tells the shell to fall back to file names.
static constexpr const char *kFiles = ":files";

static int run_complete(Context &ctx, const Args &a) {
  std::vector<std::string> words = a.positional;
  std::string cur = words.empty() ? "" : words.back();
  if (!words.empty())
    words.pop_back();
  std::vector<std::string> out;
  // Find the command: the longest known name at the front ("volume rm").
  const Command *cmd = nullptr;
  size_t used = 0;
  for (size_t n = std::min<size_t>(2, words.size()); n >= 1 && !cmd; n--) {
    std::string name;
    for (size_t i = 0; i < n; i++)
      name += (i ? " " : "") + words[i];
    if ((cmd = find_command(name)))
      used = n;
  }
  if (!cmd) {
    std::string prefix = words.empty() ? "" : words[0] + " ";
    for (const auto &c : commands()) {
      std::vector<std::string> names{c.name};
      names.insert(names.end(), c.aliases.begin(), c.aliases.end());
      for (const auto &n : names) {
        if (n.rfind("__", 0) == 0 || n.rfind(prefix, 0) != 0)
          continue;
        std::string rest = n.substr(prefix.size());
        std::string word = rest.substr(0, rest.find(' '));
        if (word.rfind(cur, 0) == 0 && std::find(out.begin(), out.end(), word) == out.end())
          out.push_back(word);
      }
    }
  } else {
    std::string prev = words.size() > used ? words.back() : "";
    const Flag *value_of = nullptr;
    for (const auto &f : cmd->flags)
      if (f.kind != FlagKind::boolean && f.kind != FlagKind::optional &&
          (prev == "--" + f.name || (f.shorthand && prev == std::string("-") + f.shorthand)))
        value_of = &f;
    if (value_of) {
      if (value_of->completer == "files")
        out.push_back(kFiles);
      else if (value_of->completer == "build-stages" || value_of->completer == "build-args")
        out = dockerfile_names(*cmd, {words.begin() + static_cast<long>(used), words.end() - 1},
                               value_of->completer);
      else
        for (auto &v : static_values(value_of->completer).empty() ? live_names(ctx, value_of->completer)
                                                                   : static_values(value_of->completer))
          out.push_back(v);
    } else if (!cur.empty() && cur[0] == '-') {
      for (const auto &f : cmd->flags) {
        out.push_back("--" + f.name);
        if (f.shorthand)
          out.push_back(std::string("-") + f.shorthand);
      }
    } else if (cmd->positional_completer == "files") {
      out.push_back(kFiles);
    } else if (cmd->positional_completer == "network-then-container") {
      // network connect/disconnect NETWORK CONTAINER: the words before
      // this one that are not flags or flag values.
      size_t given = 0;
      for (size_t i = used; i < words.size(); i++) {
        const std::string &w = words[i];
        if (!w.empty() && w[0] == '-') {
          auto f = std::find_if(cmd->flags.begin(), cmd->flags.end(), [&](const Flag &fl) {
            return w == "--" + fl.name || (fl.shorthand && w == std::string("-") + fl.shorthand);
          });
          if (f != cmd->flags.end() && f->kind != FlagKind::boolean && f->kind != FlagKind::optional)
            i++;
          continue;
        }
        given++;
      }
      out = live_names(ctx, given == 0 ? "network-names" : "containers");
    } else if (!cmd->positional_completer.empty()) {
      out = live_names(ctx, cmd->positional_completer);
    }
    std::erase_if(out, [&](const std::string &s) { return s != kFiles && s.rfind(cur, 0) != 0; });
  }
  std::sort(out.begin(), out.end());
  for (const auto &s : out)
    fmt::print("{}\n", s);
  return 0;
}

Command cmd_complete() {
  return {"__complete", "WORD... CURRENT", "Print shell completion candidates (used by the completion scripts)",
          {}, "", false, false, 0, -1, {}, run_complete};
}

} // namespace skiff::cli
