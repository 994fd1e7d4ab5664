// Internal: the code the cloned container child runs. It never returns:
// it execs the container's command or reports an error and exits.
#pragma once

#include "skiff/runtime/launch.hpp"
#include "skiff/sys/child.hpp"

namespace skiff::runtime::detail {

// `go` is the read end of a pipe: "g" to set up, then "n" once the
// network is wired. The channel's socket carries, in this order, the tap
// device, the root's FUSE connection and the pty master, those the spec
// has.
[[noreturn]] void init_child(const InitSpec &spec, int go, const sys::ChildChannel &ch);

} // namespace skiff::runtime::detail
