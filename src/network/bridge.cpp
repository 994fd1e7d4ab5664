#include "skiff/network/bridge.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "skiff/network/rtnl.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::network {

namespace {

bool is_v6(const std::string &cidr) { return cidr.find(':') != std::string::npos; }

// Set last by ensure_bridge: a bridge that is up is complete.
bool link_up(const std::string &name) {
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  return s && ::ioctl(s.get(), SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
}

Status write_sysctl(const char *path, const char *value) {
  UniqueFd fd(::open(path, O_WRONLY | O_CLOEXEC));
  if (!fd || ::write(fd.get(), value, std::strlen(value)) < 0)
    return sys_error("setting {} (routing between networks needs it)", path);
  return {};
}

} // namespace

std::string nft_table_name(const BridgeNetwork &n) { return "skiff_" + n.id.substr(0, 12); }

std::string nft_ruleset(const BridgeNetwork &n) {
  std::string t = "inet " + nft_table_name(n);
  std::string br = "\"" + n.bridge + "\"";
  std::string out;
  auto add = [&](const std::string &line) { out += line + "\n"; };
  add("add table " + t);
  add("add chain " + t + " postrouting { type nat hook postrouting priority srcnat; policy accept; }");
  add("add chain " + t + " forward { type filter hook forward priority filter; policy accept; }");
  add("flush chain " + t + " postrouting");
  add("flush chain " + t + " forward");
  if (n.internal) {
    add("add rule " + t + " forward iifname " + br + " oifname != " + br + " drop");
    add("add rule " + t + " forward oifname " + br + " iifname != " + br + " drop");
    return out;
  }
  if (n.masquerade)
    for (const auto &s : n.subnets)
      add("add rule " + t + " postrouting " + (is_v6(s) ? "ip6" : "ip") + " saddr " + s + " oifname != " + br +
          " masquerade");
  // Networks do not reach each other (Docker's isolation chains).
  add("add rule " + t + " forward iifname " + br + " oifname \"br-*\" oifname != " + br + " drop");
  add("add rule " + t + " forward iifname " + br + " accept");
  add("add rule " + t + " forward oifname " + br + " ct state established,related accept");
  return out;
}

constexpr std::string_view kAliasPrefix = "skiff ";

Status ensure_bridge(const BridgeNetwork &n) {
  if (link_up(n.bridge))
    return {};
  auto nl = TRY(Rtnl::open());
  TRY_STATUS(nl.add_bridge(n.bridge, n.mtu));
  if (!n.record.empty())
    TRY_STATUS(fs::write_file("/sys/class/net/" + n.bridge + "/ifalias", std::string(kAliasPrefix) + n.record + "\n"));
  for (const auto &g : n.gateways)
    TRY_STATUS(nl.add_address(n.bridge, g));
  if (!n.internal) {
    TRY_STATUS(write_sysctl("/proc/sys/net/ipv4/ip_forward", "1"));
    for (const auto &s : n.subnets)
      if (is_v6(s)) {
        TRY_STATUS(write_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1"));
        break;
      }
  }
  TRY_STATUS(run_nft(nft_ruleset(n)));
  return nl.set_up(n.bridge);
}

void sweep_orphan_bridges() {
  // Only root in the host's user namespace could remove the host's bridges
  // (rootless ones go with their namespace).
  if (::geteuid() != 0 || sys::in_user_namespace())
    return;
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator("/sys/class/net", ec)) {
    std::string name = entry.path().filename().string();
    auto alias = fs::read_file(entry.path().string() + "/ifalias");
    if (!alias || alias->rfind(kAliasPrefix, 0) != 0)
      continue;
    std::string record(str::trim(std::string_view(*alias).substr(kAliasPrefix.size())));
    // One with ports is in use, whatever this process can see of its store
    // (it may be in another mount namespace); one without is made again
    // by the next start that needs it.
    if (record.empty() || fs::exists(record) || !std::filesystem::is_empty(entry.path() / "brif", ec))
      continue;
    std::string file = std::filesystem::path(record).stem().string();
    BridgeNetwork orphan;
    orphan.id = file;
    orphan.bridge = name;
    (void)remove_bridge(orphan);
  }
}

Status remove_bridge(const BridgeNetwork &n) {
  std::string t = "inet " + nft_table_name(n);
  TRY_STATUS(run_nft("add table " + t + "\ndelete table " + t + "\n"));
  auto nl = TRY(Rtnl::open());
  return nl.delete_link(n.bridge);
}

} // namespace skiff::network
