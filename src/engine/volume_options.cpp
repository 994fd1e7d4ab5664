#include "skiff/engine/volume_options.hpp"

#include <sys/mount.h>

#include <cctype>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "skiff/util/strings.hpp"
#include "skiff/util/units.hpp"

namespace skiff::engine {

Status check_volume_driver(const std::string &name, const std::string &driver) {
  if (driver.empty() || driver == "local")
    return {};
  return make_error(Errc::not_found, "create {}: error looking up volume plugin {}: plugin \"{}\" not found", name,
                    driver, driver);
}

Status check_volume_options(const std::string &name, const VolumeOptions &opts) {
  auto bad = [&](const std::string &why) { return make_error(Errc::invalid, "create {}: {}", name, why); };
  for (const auto &[key, value] : opts)
    if (key != "type" && key != "o" && key != "device" && key != "size")
      return bad(fmt::format("invalid option: \"{}\"", key));
  auto has = [&](const char *k) { return opts.count(k) > 0; };
  if (auto t = opts.find("type"); t != opts.end() && t->second == "cifs" && has("device")) {
    // moby parses the device as a URL ("//host/share" has a host too).
    std::string_view dev = opts.at("device");
    size_t scheme = dev.find("://");
    size_t authority = dev.rfind("//", 0) == 0 ? 2 : scheme == std::string_view::npos ? scheme : scheme + 3;
    if (authority != std::string_view::npos) {
      std::string_view host = dev.substr(authority);
      host = host.substr(0, host.find('/'));
      if (auto at = host.rfind('@'); at != std::string_view::npos)
        host = host.substr(at + 1);
      auto colon = host.rfind(':');
      if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos &&
          colon + 1 < host.size())
        return bad("port not allowed in CIFS device URL, include 'port' in 'o='");
    }
  }
  if (auto s = opts.find("size"); s != opts.end()) {
    auto bytes = units::parse_ram(s->second);
    if (!bytes)
      return bad(fmt::format("invalid size: '{}'", s->second));
    if (*bytes > 0)
      return bad("quota size requested but no quota support");
  }
  // moby walks a map of these; whichever order, a missing device is
  // found before a missing type.
  if ((has("type") || has("o")) && !has("device"))
    return bad("missing required option: \"device\"");
  if ((has("device") || has("o")) && !has("type"))
    return bad("missing required option: \"type\"");
  return {};
}

namespace {

struct Word {
  const char *name;
  bool clear;
  unsigned long flag;
};

// moby/sys/mount's table; anything else is file system data.
constexpr Word kWords[] = {
    {"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},
    {"suid", true, MS_NOSUID},         {"nosuid", false, MS_NOSUID},
    {"dev", true, MS_NODEV},           {"nodev", false, MS_NODEV},
    {"exec", true, MS_NOEXEC},         {"noexec", false, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},   {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},      {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},       {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME}, {"nodiratime", false, MS_NODIRATIME},
    {"bind", false, MS_BIND},          {"rbind", false, MS_BIND | MS_REC},
    {"unbindable", false, MS_UNBINDABLE}, {"runbindable", false, MS_UNBINDABLE | MS_REC},
    {"private", false, MS_PRIVATE},    {"rprivate", false, MS_PRIVATE | MS_REC},
    {"shared", false, MS_SHARED},      {"rshared", false, MS_SHARED | MS_REC},
    {"slave", false, MS_SLAVE},        {"rslave", false, MS_SLAVE | MS_REC},
    {"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
};

constexpr unsigned long kPropagation = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;

} // namespace

Result<std::optional<VolumeMount>> volume_mount(const VolumeOptions &opts) {
  auto get = [&](const char *k) {
    auto it = opts.find(k);
    return it == opts.end() ? std::string() : it->second;
  };
  VolumeMount m{get("device"), get("type"), 0, 0, "", false};
  if (m.device.empty() && m.type.empty())
    return std::optional<VolumeMount>{};
  if (m.device.empty())
    return make_error(Errc::invalid, "missing device in volume options");
  unsigned long flags = 0;
  std::vector<std::string> data;
  for (const auto &o : str::split(get("o"), ',')) {
    const Word *w = nullptr;
    for (const auto &x : kWords)
      if (o == x.name)
        w = &x;
    if (w)
      flags = w->clear ? flags & ~w->flag : flags | w->flag;
    else
      data.push_back(o);
  }
  // An empty `o` is one empty word, which moby passes on as empty data.
  m.data = str::join(data, ",");
  // As moby/sys/mount: the mount with all but the propagation types, then
  // the propagation (with MS_REC) by a second call.
  m.propagation = flags & kPropagation ? flags & (kPropagation | MS_REC) : 0;
  m.flags = flags & ~kPropagation;
  m.remount_readonly = (m.flags & (MS_BIND | MS_RDONLY)) == (MS_BIND | MS_RDONLY);
  return std::optional<VolumeMount>{m};
}

bool keeps_content_unmounted(const std::string &type) { return type != "tmpfs" && type != "ramfs"; }

std::string volume_mount_error(const VolumeMount &m, const std::string &target, int err) {
  std::string text = fmt::format("mount {}:{}", m.device, target);
  if (m.flags)
    text += fmt::format(", flags: 0x{:x}", m.flags);
  if (!m.data.empty())
    text += ", data: " + m.data;
  // Docker hides a CIFS password in what it reports.
  for (const auto &o : str::split(m.data, ','))
    if (o.rfind("password=", 0) == 0 && o.size() > 9)
      if (auto at = text.find(o); at != std::string::npos)
        text.replace(at, o.size(), "password=********");
  // Go's words for an errno are glibc's, lower-cased.
  std::string why = std::strerror(err);
  if (!why.empty())
    why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  return fmt::format("error while mounting volume '{}': failed to mount local volume: {}: {}", target, text, why);
}

} // namespace skiff::engine
