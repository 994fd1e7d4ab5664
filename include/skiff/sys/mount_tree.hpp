// Detached mount trees and visits to another mount namespace: how rootless
// containers share one mount of a volume. The mount lives in the mount
// namespace the user's skiff-userns holds; a supervisor visits it to
// mount or clone it (open_tree), and the container child attaches the
// clone where a bind would go (MountOps::move_mount_tree).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::sys {

// A detached copy of the mount tree at `path` (OPEN_TREE_CLONE, recursive,
// close-on-exec), in the caller's mount namespace.
Result<UniqueFd> clone_mount_tree(const std::string &path);

// Runs `fn` in a child process that enters the mount namespace `ns_fd`
// names, and hands back the fds it gives. A child, since a process that
// left a mount namespace owned by a more privileged user namespace (the
// host's) cannot return to it.
Result<std::vector<UniqueFd>> in_mount_namespace(int ns_fd,
                                                 const std::function<Result<std::vector<UniqueFd>>()> &fn);

} // namespace skiff::sys
