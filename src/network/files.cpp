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

std::string resolv_conf(std::string_view host, const std::string &dns_forward) {
  std::string out;
  bool forwarded = false;
  for (const auto &line : str::split(host, '\n')) {
    auto t = str::trim(line);
    if (t.rfind("nameserver", 0) == 0) {
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
  return out;
}

} // namespace skiff::network
