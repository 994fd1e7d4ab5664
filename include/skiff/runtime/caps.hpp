// Linux capabilities: Docker's default set, --cap-add/--cap-drop
// arithmetic (pure) and applying a set in the container child.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::runtime {

const std::vector<std::string> &default_caps();  // "CAP_CHOWN", ...
std::vector<std::string> all_caps();               // every cap in our bounding set

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

// In the container child, before execve, in runc's order: drop_bounding
// while still fully privileged, then change IDs (with keep-caps), then
// set_caps for the permitted and effective sets (inheritable stays empty,
// as in Docker since CVE-2022-24769). Each returns
// 0 or an errno value.
int drop_bounding(const std::vector<int> &caps);
int set_caps(const std::vector<int> &caps);

} // namespace skiff::runtime
