// Internal to the network module: the DNS server's loop, run by the
// process ensure_dns_server forks (dns_process.cpp).
#pragma once

#include "skiff/network/dns_server.hpp"

namespace skiff::network::detail {

// Binds the config's sockets (in the current network namespace), writes
// dns.pid, reports "0 <pid>" on `report_fd` and closes it, then serves
// until the name table has stayed empty a grace second (checked again
// under dns.start.lock), the state directory goes or SIGTERM comes.
// A failure to start is reported on `report_fd` (sys::write_report).
// Returns the exit code.
int serve_dns(const DnsServerConfig &config, int report_fd);

} // namespace skiff::network::detail
