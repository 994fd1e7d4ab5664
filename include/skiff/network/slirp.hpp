// The default user-mode network: libslirp (the network stack slirp4netns
// is built on) run by a helper the supervisor forks, on the tap device the
// container made for itself (network/tap.hpp). Nothing waits for the
// helper before the command starts: packets queue in the tap until it
// reads them. Same addresses as slirp4netns: the container is 10.0.2.100,
// the host 10.0.2.2, DNS 10.0.2.3; the host's loopback is not reachable.
#pragma once

#include <sys/types.h>

#include "skiff/network/tap.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::network {

TapConfig slirp_tap_config();

struct SlirpHelper {
  pid_t pid = 0;
  UniqueFd ready;  // one byte once running, or its error message and EOF
  UniqueFd exit;   // the helper ends when this closes
};

// Forks the helper; it serves `tap` until `exit` is closed or this process
// dies.
Result<SlirpHelper> start_slirp(UniqueFd tap);
// Blocks until the helper runs, or says why it could not.
Status wait_slirp(SlirpHelper &h);

} // namespace skiff::network
