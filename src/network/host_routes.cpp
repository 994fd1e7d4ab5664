#include "skiff/network/host_routes.hpp"

#include <bit>
#include <cstdlib>
#include <sstream>
#include <string>

#include "skiff/util/fs.hpp"

namespace skiff::network {

std::vector<Cidr> parse_route_table(std::string_view text) {
  std::vector<Cidr> out;
  std::istringstream in{std::string(text)};
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string iface, dest, gateway, flags, refcnt, use, metric, mask;
    if (!(f >> iface >> dest >> gateway >> flags >> refcnt >> use >> metric >> mask))
      continue;
    // The kernel prints the address as the u32 it holds in memory.
    auto d = static_cast<uint32_t>(std::strtoul(dest.c_str(), nullptr, 16));
    auto m = static_cast<uint32_t>(std::strtoul(mask.c_str(), nullptr, 16));
    if (m == 0)
      continue;
    Cidr c;
    for (int i = 0; i < 4; i++)
      c.addr.bytes[i] = static_cast<uint8_t>(d >> (8 * i));
    c.prefix = std::popcount(m);
    out.push_back(c);
  }
  return out;
}

std::vector<Cidr> parse_ipv6_route_table(std::string_view text) {
  std::vector<Cidr> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string dest, plen, src, splen, next, metric, refcnt, use, flags, iface;
    if (!(f >> dest >> plen >> src >> splen >> next >> metric >> refcnt >> use >> flags >> iface) ||
        dest.size() != 32)
      continue;
    Cidr c;
    c.addr.v6 = true;
    for (int i = 0; i < 16; i++)
      c.addr.bytes[i] = static_cast<uint8_t>(std::strtoul(dest.substr(2 * i, 2).c_str(), nullptr, 16));
    c.prefix = static_cast<int>(std::strtoul(plen.c_str(), nullptr, 16));
    bool link_local = c.addr.bytes[0] == 0xfe && (c.addr.bytes[1] & 0xc0) == 0x80;
    if (c.prefix == 0 || iface == "lo" || link_local || c.addr.bytes[0] == 0xff)
      continue;
    out.push_back(c);
  }
  return out;
}

std::vector<Cidr> host_routes() {
  auto out = parse_route_table(fs::read_file("/proc/net/route").value_or(""));
  auto v6 = parse_ipv6_route_table(fs::read_file("/proc/net/ipv6_route").value_or(""));
  out.insert(out.end(), v6.begin(), v6.end());
  return out;
}

} // namespace skiff::network
