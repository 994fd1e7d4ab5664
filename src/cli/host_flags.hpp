// Internal to the CLI: --add-host (run, create and build) and the DNS
// flags of run and create.
#pragma once

#include <string>
#include <vector>

#include "skiff/cli/command.hpp"
#include "skiff/spec/create_options.hpp"

namespace skiff::cli {

Flag add_host_flag();
// Each "name:ip" (or "name=ip") checked as docker/cli checks it, a bad one
// refused in its words as a flag error.
Result<std::vector<std::string>> add_hosts(const Args &a);

// --dns, --dns-search, --dns-option.
std::vector<Flag> dns_flags();
// Their values into `o`, checked as docker/cli checks them (--dns an IP
// address, --dns-search a domain or ".").
Status dns_options(const Args &a, spec::CreateOptions &o);

} // namespace skiff::cli
