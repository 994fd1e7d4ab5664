#include "skiff/network/tap.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace skiff::network {

namespace {

Result<sockaddr> inet_address(const std::string &text) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  if (::inet_pton(AF_INET, text.c_str(), &sin.sin_addr) != 1)
    return make_error(Errc::invalid, "invalid IPv4 address \"{}\"", text);
  sockaddr sa{};
  std::memcpy(&sa, &sin, sizeof sin);
  return sa;
}

sockaddr netmask(int prefix_len) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(prefix_len == 0 ? 0 : ~uint32_t{0} << (32 - prefix_len));
  sockaddr sa{};
  std::memcpy(&sa, &sin, sizeof sin);
  return sa;
}

} // namespace

Result<UniqueFd> create_tap(const TapConfig &cfg) {
  if (cfg.prefix_len < 0 || cfg.prefix_len > 32 || cfg.name.size() >= IFNAMSIZ)
    return make_error(Errc::invalid, "invalid tap device configuration");
  UniqueFd tap(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  if (!tap)
    return sys_error("opening /dev/net/tun (it must be readable and writable by you: mode 0666)");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, cfg.name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (::ioctl(tap.get(), TUNSETIFF, &ifr) < 0)
    return sys_error("creating the tap device {}", cfg.name);

  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s)
    return sys_error("opening a socket to configure {}", cfg.name);
  auto ioc = [&](unsigned long req, const char *what) -> Status {
    if (::ioctl(s.get(), req, &ifr) < 0)
      return sys_error("setting the {} of {}", what, cfg.name);
    return {};
  };
  ifr.ifr_mtu = cfg.mtu;
  TRY_STATUS(ioc(SIOCSIFMTU, "MTU"));
  ifr.ifr_addr = TRY(inet_address(cfg.address));
  TRY_STATUS(ioc(SIOCSIFADDR, "address"));
  ifr.ifr_netmask = netmask(cfg.prefix_len);
  TRY_STATUS(ioc(SIOCSIFNETMASK, "netmask"));
  TRY_STATUS(ioc(SIOCGIFFLAGS, "flags"));
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  TRY_STATUS(ioc(SIOCSIFFLAGS, "flags"));

  rtentry route{};
  route.rt_dst = netmask(0);  // 0.0.0.0/0
  route.rt_genmask = netmask(0);
  route.rt_gateway = TRY(inet_address(cfg.gateway));
  route.rt_flags = RTF_UP | RTF_GATEWAY;
  route.rt_dev = const_cast<char *>(cfg.name.c_str());
  if (::ioctl(s.get(), SIOCADDRT, &route) < 0)
    return sys_error("adding the default route via {}", cfg.gateway);
  return tap;
}

} // namespace skiff::network
