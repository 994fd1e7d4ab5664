#include "skiff/network/files.hpp"

#include <fmt/format.h>

#include "skiff/util/strings.hpp"

namespace skiff::network {

std::string extra_host_lines(const std::vector<std::string> &extra_hosts) {
  std::string out;
  for (const auto &h : extra_hosts) {
    auto colon = h.find(':');
    out += fmt::format("{}\t{}\n", h.substr(colon + 1), h.substr(0, colon));
  }
  return out;
}

std::string hosts_file(const std::string &hostname, const std::string &address,
                       const std::vector<std::string> &extra_hosts) {
  return fmt::format("127.0.0.1\tlocalhost\n"
                     "::1\tlocalhost ip6-localhost ip6-loopback\n"
                     "fe00::0\tip6-localnet\n"
                     "ff00::0\tip6-mcastprefix\n"
                     "ff02::1\tip6-allnodes\n"
                     "ff02::2\tip6-allrouters\n"
                     "{}"
                     "{}\t{}\n",
                     extra_host_lines(extra_hosts), address, hostname);
}

std::string resolv_conf(std::string_view host, const std::string &dns_forward, const DnsOverrides &o) {
  std::string out;
  bool forwarded = false;
  for (const auto &line : str::split(host, '\n')) {
    auto t = str::trim(line);
    bool server = t.rfind("nameserver", 0) == 0;
    if ((server && !o.servers.empty()) ||
        (!o.search.empty() && (t.rfind("search", 0) == 0 || t.rfind("domain", 0) == 0)) ||
        (!o.options.empty() && t.rfind("options", 0) == 0))
      continue;
    if (server) {
      auto addr = str::trim(t.substr(10));
      if (addr.rfind("127.", 0) == 0 || addr == "::1") {
        if (!dns_forward.empty() && !forwarded) {
          out += "nameserver " + dns_forward + "\n";
          forwarded = true;
        }
        continue;
      }
    }
    if (!t.empty())
      out += std::string(t) + "\n";
  }
  for (const auto &ns : o.servers)
    out += "nameserver " + ns + "\n";
  if (!o.search.empty() && o.search != std::vector<std::string>{"."})
    out += "search " + str::join(o.search, " ") + "\n";
  if (!o.options.empty())
    out += "options " + str::join(o.options, " ") + "\n";
  return out;
}

} // namespace skiff::network
