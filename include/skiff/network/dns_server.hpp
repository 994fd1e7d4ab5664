// The DNS server of a user-defined network, started on demand: one process
// per network (per network namespace), forked from the skiff that asks
// for it, serving the network's name table on its gateway address and
// forwarding other names to the host's nameservers. It exits by itself
// once the network has no running container. docs/network-dns.md.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::network {

struct DnsServerConfig {
  std::string network_id;    // 64 hex
  std::string network_name;  // shown in ps: "skiff-dns <name>"
  // RUNROOT/networks/<id>: holds `names` (the table, in /etc/hosts format),
  // and the server's dns.lock, dns.start.lock and dns.pid. Made if missing.
  std::string state_dir;
  // Addresses to serve on (the network's gateways), UDP and TCP.
  std::vector<std::string> listen;
  uint16_t port = 53;
  // Where names not in the table go (the host's resolv.conf nameservers,
  // as they are reached from where the server runs), port 53, in order.
  std::vector<std::string> upstreams;
  // The host's search domains: "web.<domain>" asked by a container's
  // resolver is answered as "web".
  std::vector<std::string> search_domains;
  bool internal = false;  // --internal: nothing forwarded
  // A network namespace to enter before binding (rootless: the user's
  // network namespace), or -1 for the caller's own.
  int netns_fd = -1;
};

struct DnsServerStatus {
  pid_t pid = 0;         // the server's (0 if it runs but its pid file is unreadable)
  bool started = false;  // this call started it
};

// Returns once a server for the network serves on the config's addresses:
// the one already running (it holds dns.lock), or one this call forks and
// waits for until it has bound its sockets (its failure is the error).
// Callers racing end with one server. Call it after writing `names`: a
// server about to exit for want of names checks again under
// dns.start.lock, which this call holds while it decides.
Result<DnsServerStatus> ensure_dns_server(const DnsServerConfig &config);

// Ends the network's server, if one runs, and returns once it is gone (its
// addresses free for a network made next), within two seconds.
void stop_dns_server(const std::string &state_dir);

} // namespace skiff::network
