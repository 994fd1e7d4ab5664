// /etc/hosts, /etc/hostname and /etc/resolv.conf written for each container.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::network {

// The hosts file: localhost entries, --add-host's ("name:ip", checked),
// then the container's own name.
std::string hosts_file(const std::string &hostname, const std::string &address,
                       const std::vector<std::string> &extra_hosts);
// --add-host's entries as hosts file lines ("ip\tname\n").
std::string extra_host_lines(const std::vector<std::string> &extra_hosts);
// The host's resolv.conf with loopback nameservers (which mean nothing in
// another network namespace) replaced by `dns_forward`.
// --dns, --dns-search and --dns-option: each, when given, replaces the
// host's nameserver, search (and domain) or options lines, as moby's
// resolvconf does; a search of "." writes none.
struct DnsOverrides {
  std::vector<std::string> servers, search, options;
};
std::string resolv_conf(std::string_view host_resolv, const std::string &dns_forward,
                        const DnsOverrides &overrides = {});

} // namespace skiff::network
