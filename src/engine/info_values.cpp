// info's pure parts: os-release, filesystem names, proxies, security
// options and warnings as Docker words them.
#include <sstream>

#include "skiff/engine/info.hpp"

namespace skiff::engine {

// The value of a KEY=value line as sh reads it: quotes removed, a
// backslash escaping the next character inside double quotes.
static std::string shell_value(std::string_view v) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < v.size(); i++) {
    char c = v[i];
    if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (c == quote) {
      quote = 0;
    } else if (c == '\\' && quote != '\'' && i + 1 < v.size()) {
      out += v[++i];
    } else if (quote == 0 && (c == ' ' || c == '\t')) {
      break;  // an unquoted blank ends the value (and a comment after it)
    } else {
      out += c;
    }
  }
  return out;
}

OsRelease parse_os_release(std::string_view text) {
  OsRelease r;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos)
      continue;
    std::string key = line.substr(0, eq);
    std::string value = shell_value(std::string_view(line).substr(eq + 1));
    if (key == "PRETTY_NAME" && !value.empty())
      r.pretty_name = value;
    else if (key == "VERSION_ID")
      r.version_id = value;
  }
  return r;
}

std::string backing_fs_name(int64_t magic) {
  switch (magic) {
  case 0xEF53: return "extfs";
  case 0x58465342: return "xfs";
  case 0x9123683E: return "btrfs";
  case 0x01021994: return "tmpfs";
  case 0x794C7630: return "overlayfs";
  case 0x6969: return "nfs";
  case 0x2FC12FC1: return "zfs";
  case 0xF2F52010: return "f2fs";
  case 0x858458F6: return "ramfs";
  case 0x73717368: return "squashfs";
  default: return "<unknown>";
  }
}

std::string mask_proxy_credentials(std::string_view url) {
  auto scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  auto at = url.find('@', start);
  auto slash = url.find('/', start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at))
    return std::string(url);
  return std::string(url.substr(0, start)) + "xxxxx:xxxxx" + std::string(url.substr(at));
}

std::vector<std::string> security_options(bool rootless) {
  std::vector<std::string> out{"name=seccomp,profile=builtin"};
  if (rootless)
    out.push_back("name=rootless");
  out.push_back("name=cgroupns");
  return out;
}

std::vector<std::string> info_warnings(bool rootless, bool cgroups, const std::string &cgroup_version) {
  if (!rootless || cgroups)
    return {};
  if (cgroup_version == "2")
    return {"WARNING: Running in rootless-mode without cgroups. Systemd is required to enable "
            "cgroups in rootless-mode."};
  return {"WARNING: Running in rootless-mode without cgroups. To enable cgroups in rootless-mode, "
          "you need to boot the system in cgroup v2 mode."};
}

} // namespace skiff::engine
