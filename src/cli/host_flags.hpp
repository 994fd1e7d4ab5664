// Internal to the CLI: --add-host, as run, create and build take it.
#pragma once

#include <string>
#include <vector>

#include "skiff/cli/command.hpp"

namespace skiff::cli {

Flag add_host_flag();
// Each "name:ip" (or "name=ip") checked as docker/cli checks it, a bad one
// refused in its words as a flag error.
Result<std::vector<std::string>> add_hosts(const Args &a);

} // namespace skiff::cli
