// Linux capabilities: Docker's default set, --cap-add/--cap-drop
// arithmetic (pure) and applying a set in the container child.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::runtime {

const std::vector<std::string> &default_caps();  // "CAP_CHOWN", ...
std::vector<std::string> all_caps();               // every cap this kernel knows

// Normalises "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" to "CAP_NET_ADMIN";
// unknown names are an error.
Result<std::string> normalize_cap(const std::string &name);

// The effective set: Docker's default (or all when privileged), then drops,
// then adds; "ALL" is accepted on both sides as Docker does.
Result<std::vector<std::string>> effective_caps(const std::vector<std::string> &add,
                                                const std::vector<std::string> &drop,
                                                bool privileged);

// Capability numbers for names already normalised.
std::vector<int> cap_numbers(const std::vector<std::string> &names);

// In the container child, before execve: keeps `caps` in the bounding,
// permitted, effective and inheritable sets and drops every other one.
// Returns 0 or an errno value.
int apply_caps(const std::vector<int> &caps);

} // namespace skiff::runtime
