// The default user-mode network: libslirp (the network stack slirp4netns
// is built on) run by a helper the supervisor forks, on the tap device the
// container made for itself (network/tap.hpp). The helper starts before
// the container's child, so it is ready by the time the command is; what
// the command sends before the helper reads waits in the tap's queue. Same addresses as slirp4netns: the container is 10.0.2.100,
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
  UniqueFd tap;    // socket the container's tap device is handed over on
  UniqueFd ready;  // one byte once serving, or its error message and EOF
  UniqueFd exit;   // the helper ends when this closes
};

// Forks the helper, which loads libslirp and confines itself at once, then
// waits for the tap device (give_tap). It serves until `exit` is closed or
// this process dies.
Result<SlirpHelper> start_slirp();
void give_tap(SlirpHelper &h, int tap);
// Blocks until the helper serves the tap, or says why it could not.
Status wait_slirp(SlirpHelper &h);

} // namespace skiff::network
