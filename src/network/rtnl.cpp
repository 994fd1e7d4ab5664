#include "skiff/network/rtnl.hpp"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <netinet/ether.h>

#include <cstring>
#include <mutex>
#include <utility>

#include <libmnl/libmnl.h>

#include "skiff/util/strings.hpp"

namespace skiff::network {

namespace {

struct MnlApi {
  mnl_socket *(*socket_open)(int);
  int (*socket_bind)(mnl_socket *, unsigned, pid_t);
  int (*socket_close)(mnl_socket *);
  unsigned (*socket_get_portid)(const mnl_socket *);
  ssize_t (*socket_sendto)(const mnl_socket *, const void *, size_t);
  ssize_t (*socket_recvfrom)(const mnl_socket *, void *, size_t);
  nlmsghdr *(*nlmsg_put_header)(void *);
  void *(*nlmsg_put_extra_header)(nlmsghdr *, size_t);
  void (*attr_put)(nlmsghdr *, uint16_t, size_t, const void *);
  void (*attr_put_strz)(nlmsghdr *, uint16_t, const char *);
  void (*attr_put_u32)(nlmsghdr *, uint16_t, uint32_t);
  nlattr *(*attr_nest_start)(nlmsghdr *, uint16_t);
  void (*attr_nest_end)(nlmsghdr *, nlattr *);
  int (*cb_run)(const void *, size_t, unsigned, unsigned, mnl_cb_t, void *);
};

MnlApi api;
std::string load_error;

} // namespace

Status load_netlink() {
  static std::once_flag once;
  std::call_once(once, [] {
    void *h = ::dlopen("libmnl.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      load_error = fmt::format("bridge networks need libmnl (Debian package libmnl0): {}", ::dlerror());
      return;
    }
    auto sym = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
      if (!fn && load_error.empty())
        load_error = fmt::format("libmnl lacks {}", name);
    };
    sym(api.socket_open, "mnl_socket_open");
    sym(api.socket_bind, "mnl_socket_bind");
    sym(api.socket_close, "mnl_socket_close");
    sym(api.socket_get_portid, "mnl_socket_get_portid");
    sym(api.socket_sendto, "mnl_socket_sendto");
    sym(api.socket_recvfrom, "mnl_socket_recvfrom");
    sym(api.nlmsg_put_header, "mnl_nlmsg_put_header");
    sym(api.nlmsg_put_extra_header, "mnl_nlmsg_put_extra_header");
    sym(api.attr_put, "mnl_attr_put");
    sym(api.attr_put_strz, "mnl_attr_put_strz");
    sym(api.attr_put_u32, "mnl_attr_put_u32");
    sym(api.attr_nest_start, "mnl_attr_nest_start");
    sym(api.attr_nest_end, "mnl_attr_nest_end");
    sym(api.cb_run, "mnl_cb_run");
  });
  if (!load_error.empty())
    return make_error(Errc::failed, "{}", load_error);
  return {};
}

namespace {

// A request buffer: one message, sized for any link request made here.
struct Msg {
  alignas(nlmsghdr) char buf[1024];
  nlmsghdr *hdr;
  Msg(uint16_t type, uint16_t flags) {
    std::memset(buf, 0, sizeof buf);
    hdr = api.nlmsg_put_header(buf);
    hdr->nlmsg_type = type;
    hdr->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  }
  template <typename T> T *extra() {
    return static_cast<T *>(api.nlmsg_put_extra_header(hdr, sizeof(T)));
  }
};

struct Address {
  int family = 0;
  unsigned char bytes[16]{};
  size_t size() const { return family == AF_INET ? 4 : 16; }
};

Result<Address> parse_ip(const std::string &text) {
  Address a;
  if (::inet_pton(AF_INET, text.c_str(), a.bytes) == 1)
    a.family = AF_INET;
  else if (::inet_pton(AF_INET6, text.c_str(), a.bytes) == 1)
    a.family = AF_INET6;
  else
    return make_error(Errc::invalid, "invalid IP address \"{}\"", text);
  return a;
}

} // namespace

Rtnl::Rtnl(mnl_socket *s) : sock_(s) {}

Rtnl::Rtnl(Rtnl &&o) noexcept : sock_(std::exchange(o.sock_, nullptr)), seq_(o.seq_) {}

Rtnl::~Rtnl() {
  if (sock_)
    api.socket_close(sock_);
}

Result<Rtnl> Rtnl::open() {
  TRY_STATUS(load_netlink());
  mnl_socket *s = api.socket_open(NETLINK_ROUTE);
  if (!s)
    return sys_error("opening a netlink socket");
  if (api.socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
    auto e = sys_error("binding a netlink socket");
    api.socket_close(s);
    return e;
  }
  return Rtnl(s);
}

Status Rtnl::request(nlmsghdr *msg, int ignore, const std::string &what) {
  msg->nlmsg_seq = ++seq_;
  if (api.socket_sendto(sock_, msg, msg->nlmsg_len) < 0)
    return sys_error("{}", what);
  char buf[8192];
  unsigned portid = api.socket_get_portid(sock_);
  for (;;) {
    ssize_t n = api.socket_recvfrom(sock_, buf, sizeof buf);
    if (n < 0)
      return sys_error("{}", what);
    int r = api.cb_run(buf, static_cast<size_t>(n), seq_, portid, nullptr, nullptr);
    if (r == MNL_CB_ERROR) {
      if (errno == ignore)
        return {};
      return sys_error("{}", what);
    }
    if (r <= MNL_CB_STOP)
      return {};
  }
}

Result<int> Rtnl::index_of(const std::string &name) const {
  unsigned idx = ::if_nametoindex(name.c_str());
  if (idx == 0)
    return sys_error("finding network interface {}", name);
  return static_cast<int>(idx);
}

namespace {

// A new link's request up to its kind; returns the open IFLA_LINKINFO nest.
nlattr *new_link(Msg &m, const std::string &name, int mtu, const char *kind) {
  m.extra<ifinfomsg>()->ifi_family = AF_UNSPEC;
  api.attr_put_strz(m.hdr, IFLA_IFNAME, name.c_str());
  if (mtu > 0)
    api.attr_put_u32(m.hdr, IFLA_MTU, static_cast<uint32_t>(mtu));
  nlattr *info = api.attr_nest_start(m.hdr, IFLA_LINKINFO);
  api.attr_put_strz(m.hdr, IFLA_INFO_KIND, kind);
  return info;
}

// A change to the link with index `idx`.
ifinfomsg *change_link(Msg &m, int idx) {
  auto *ifi = m.extra<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = idx;
  return ifi;
}

} // namespace

Status Rtnl::add_bridge(const std::string &name, int mtu) {
  Msg m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  api.attr_nest_end(m.hdr, new_link(m, name, mtu, "bridge"));
  return request(m.hdr, EEXIST, fmt::format("creating bridge {}", name));
}

Status Rtnl::add_veth(const std::string &name, const std::string &peer, int peer_netns_fd,
                      const std::string &peer_mac, int mtu) {
  Msg m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  nlattr *info = new_link(m, name, mtu, "veth");
  nlattr *data = api.attr_nest_start(m.hdr, IFLA_INFO_DATA);
  nlattr *peer_info = api.attr_nest_start(m.hdr, VETH_INFO_PEER);
  api.nlmsg_put_extra_header(m.hdr, sizeof(ifinfomsg));  // the peer's, zeroed
  api.attr_put_strz(m.hdr, IFLA_IFNAME, peer.c_str());
  api.attr_put_u32(m.hdr, IFLA_NET_NS_FD, static_cast<uint32_t>(peer_netns_fd));
  if (mtu > 0)
    api.attr_put_u32(m.hdr, IFLA_MTU, static_cast<uint32_t>(mtu));
  if (!peer_mac.empty()) {
    ether_addr mac{};
    if (!::ether_aton_r(peer_mac.c_str(), &mac))
      return make_error(Errc::invalid, "invalid MAC address \"{}\"", peer_mac);
    api.attr_put(m.hdr, IFLA_ADDRESS, sizeof mac, &mac);
  }
  api.attr_nest_end(m.hdr, peer_info);
  api.attr_nest_end(m.hdr, data);
  api.attr_nest_end(m.hdr, info);
  return request(m.hdr, 0, fmt::format("creating the veth pair {}", name));
}

Status Rtnl::set_master(const std::string &name, const std::string &master) {
  int idx = TRY(index_of(name));
  int midx = TRY(index_of(master));
  Msg m(RTM_NEWLINK, 0);
  change_link(m, idx);
  api.attr_put_u32(m.hdr, IFLA_MASTER, static_cast<uint32_t>(midx));
  return request(m.hdr, 0, fmt::format("attaching {} to {}", name, master));
}

Status Rtnl::set_up(const std::string &name) {
  int idx = TRY(index_of(name));
  Msg m(RTM_NEWLINK, 0);
  auto *ifi = change_link(m, idx);
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  return request(m.hdr, 0, fmt::format("bringing {} up", name));
}

Status Rtnl::add_address(const std::string &name, const std::string &cidr) {
  auto parts = str::cut(cidr, '/');
  if (!parts)
    return make_error(Errc::invalid, "invalid address \"{}\": no prefix length", cidr);
  auto a = TRY(parse_ip(std::string(parts->first)));
  auto prefix = str::to_int(parts->second);
  if (!prefix || *prefix < 0 || *prefix > (a.family == AF_INET ? 32 : 128))
    return make_error(Errc::invalid, "invalid address \"{}\"", cidr);
  int idx = TRY(index_of(name));
  Msg m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  auto *ifa = m.extra<ifaddrmsg>();
  ifa->ifa_family = static_cast<unsigned char>(a.family);
  ifa->ifa_prefixlen = static_cast<unsigned char>(*prefix);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = static_cast<unsigned>(idx);
  api.attr_put(m.hdr, IFA_LOCAL, a.size(), a.bytes);
  api.attr_put(m.hdr, IFA_ADDRESS, a.size(), a.bytes);
  if (a.family == AF_INET6)
    api.attr_put_u32(m.hdr, IFA_FLAGS, IFA_F_NODAD);  // usable at once, as Docker's
  return request(m.hdr, EEXIST, fmt::format("adding address {} to {}", cidr, name));
}

Status Rtnl::add_default_route(const std::string &name, const std::string &gateway) {
  auto gw = TRY(parse_ip(gateway));
  int idx = TRY(index_of(name));
  Msg m(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  auto *rt = m.extra<rtmsg>();
  rt->rtm_family = static_cast<unsigned char>(gw.family);
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BOOT;
  rt->rtm_scope = RT_SCOPE_UNIVERSE;
  rt->rtm_type = RTN_UNICAST;
  api.attr_put(m.hdr, RTA_GATEWAY, gw.size(), gw.bytes);
  api.attr_put_u32(m.hdr, RTA_OIF, static_cast<uint32_t>(idx));
  return request(m.hdr, EEXIST, fmt::format("adding the default route via {}", gateway));
}

Status Rtnl::delete_link(const std::string &name) {
  unsigned idx = ::if_nametoindex(name.c_str());
  if (idx == 0)
    return {};
  Msg m(RTM_DELLINK, 0);
  change_link(m, static_cast<int>(idx));
  return request(m.hdr, ENODEV, fmt::format("removing network interface {}", name));
}

} // namespace skiff::network
