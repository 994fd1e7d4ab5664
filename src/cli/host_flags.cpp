#include "host_flags.hpp"

#include <arpa/inet.h>

#include <regex>

#include "skiff/spec/merge.hpp"

namespace skiff::cli {

Flag add_host_flag() {
  return {"add-host", 0, FlagKind::list, "Add a custom host-to-IP mapping (host:ip)", "none", "list"};
}

Result<std::vector<std::string>> add_hosts(const Args &a) {
  std::vector<std::string> out;
  for (const auto &h : a.all("add-host")) {
    auto checked = spec::extra_host(h);
    if (!checked)
      return make_error(Errc::usage, "invalid argument \"{}\" for \"--add-host\" flag: {}", h, checked.error().message);
    out.push_back(*checked);
  }
  return out;
}

std::vector<Flag> dns_flags() {
  return {{"dns", 0, FlagKind::list, "Set custom DNS servers", "none", "list"},
          {"dns-option", 0, FlagKind::list, "Set DNS options", "none", "list"},
          {"dns-search", 0, FlagKind::list, "Set custom DNS search domains", "none", "list"}};
}

Status dns_options(const Args &a, spec::CreateOptions &o) {
  for (const auto &ip : a.all("dns")) {
    unsigned char buf[16];
    if (::inet_pton(AF_INET, ip.c_str(), buf) != 1 && ::inet_pton(AF_INET6, ip.c_str(), buf) != 1)
      return make_error(Errc::usage, "invalid argument \"{}\" for \"--dns\" flag: IP address is not correctly formatted: {}",
                        ip, ip);
    o.dns.push_back(ip);
  }
  // docker/cli's opts.ValidateDNSSearch.
  static const std::regex domain(
      R"(^(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9]))(:?\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])))*)\.?\s*$)");
  for (const auto &d : a.all("dns-search")) {
    if (d != "." && (d.size() > 255 || !std::regex_match(d, domain)))
      return make_error(Errc::usage, "invalid argument \"{}\" for \"--dns-search\" flag: {} is not a valid domain", d, d);
    o.dns_search.push_back(d);
  }
  o.dns_options = a.all("dns-option");
  return {};
}

} // namespace skiff::cli
