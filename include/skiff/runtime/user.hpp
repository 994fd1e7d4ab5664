// Resolving "-u user[:group]" against the container's /etc/passwd and
// /etc/group, as Docker does (names or numbers; numbers need no entry).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::runtime {

struct ExecUser {
  uid_t uid = 0;
  gid_t gid = 0;
  // Supplementary groups, sorted and unique: the primary group and, when
  // no group was named, every /etc/group entry listing the user by name
  // (moby's getUser, runc's GetExecUser).
  std::vector<gid_t> groups;
  std::string home = "/";
};

// `group_add` (--group-add) joins more supplementary groups, each a group
// name or ID of `group`, or any ID in 0..2^31-1 (runc's
// GetAdditionalGroups).
Result<ExecUser> resolve_user(std::string_view spec, std::string_view passwd,
                              std::string_view group,
                              const std::vector<std::string> &group_add = {});

} // namespace skiff::runtime
