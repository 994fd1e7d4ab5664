// /etc/hosts, /etc/hostname and /etc/resolv.conf written for each container.
#pragma once

#include <string>
#include <string_view>

namespace skiff::network {

// The hosts file: localhost entries plus the container's own name.
std::string hosts_file(const std::string &hostname, const std::string &address);
// The host's resolv.conf with loopback nameservers (which mean nothing in
// another network namespace) replaced by `dns_forward`.
std::string resolv_conf(std::string_view host_resolv, const std::string &dns_forward);

} // namespace skiff::network
