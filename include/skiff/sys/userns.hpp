// Facts about the user namespace this process runs in.
#pragma once

namespace skiff::sys {

// True when this process is inside a user namespace other than the initial
// one (/proc/self/uid_map is not the identity map of all IDs).
bool in_user_namespace();

} // namespace skiff::sys
