// The hidden "__dns-ensure" command: engine::start_network_dns, the call
// that starts a user-defined network's DNS server when a container joins
// it, given its config in flags. For the system tests (a server in a
// network namespace of their own, without bridges) and by hand.
#include <fcntl.h>

#include <fmt/format.h>

#include "../registry.hpp"
#include "skiff/engine/network_dns.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::cli {

static int run_dns_ensure(Context &, const Args &a) {
  engine::DnsServerConfig c;
  c.state_dir = a.positional[0];
  c.network_id = fs::basename(c.state_dir);
  c.network_name = a.get("name", c.network_id);
  c.listen = a.all("listen");
  c.upstreams = a.all("upstream");
  c.search_domains = a.all("search");
  c.internal = a.flag("internal");
  auto port = str::to_int(a.get("port", "53"));
  if (!port || *port < 1 || *port > 65535)
    return fail(make_error(Errc::usage, "invalid port {:?}", a.get("port")));
  c.port = static_cast<uint16_t>(*port);
  UniqueFd netns;
  if (a.has("netns")) {
    netns.reset(::open(a.get("netns").c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns)
      return fail(sys_error("opening network namespace {}", a.get("netns")));
    c.netns_fd = netns.get();
  }
  auto s = engine::start_network_dns(c);
  if (!s)
    return fail(s.error());
  fmt::print("{} {}\n", s->pid, s->started ? "started" : "running");
  return 0;
}

Command cmd_dns_ensure() {
  using K = FlagKind;
  return {"__dns-ensure",
          "[OPTIONS] STATE_DIR",
          "Start a network's DNS server unless one runs (used by the tests)",
          {{"name", 0, K::value, "Network name shown in ps", "none", "string"},
           {"listen", 0, K::list, "Address to serve on", "none", "list"},
           {"port", 0, K::value, "Port to serve on", "none", "int"},
           {"upstream", 0, K::list, "Nameserver for other names", "none", "list"},
           {"search", 0, K::list, "Search domain cut off names asked with it", "none", "list"},
           {"internal", 0, K::boolean, "Forward nothing", "", ""},
           {"netns", 0, K::value, "Network namespace to serve in", "files", "string"}},
          "files", true, false, 1, 1, {}, run_dns_ensure};
}

} // namespace skiff::cli
