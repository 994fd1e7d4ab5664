#include "skiff/registry/local.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace skiff::registry {

std::string domain_host(std::string_view domain) {
  if (!domain.empty() && domain.front() == '[') {
    auto close = domain.find(']');
    return std::string(close == std::string_view::npos ? domain.substr(1) : domain.substr(1, close - 1));
  }
  // More than one colon and no brackets: a bare IPv6 address, no port.
  if (std::count(domain.begin(), domain.end(), ':') > 1)
    return std::string(domain);
  return std::string(domain.substr(0, domain.find(':')));
}

bool is_loopback_address(std::string_view address) {
  std::string a(address);
  in_addr v4;
  if (::inet_pton(AF_INET, a.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  if (::inet_pton(AF_INET6, a.c_str(), &v6) != 1)
    return false;
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.s6_addr, mapped, 12) == 0)
    return v6.s6_addr[12] == 127;
  return IN6_IS_ADDR_LOOPBACK(&v6);
}

bool insecure_by_default(std::string_view domain, const std::vector<std::string> &addresses) {
  if (domain == "docker.io" || domain == "registry-1.docker.io" || domain == "index.docker.io")
    return false;
  return is_loopback_address(domain_host(domain)) ||
         std::any_of(addresses.begin(), addresses.end(), is_loopback_address);
}

} // namespace skiff::registry
