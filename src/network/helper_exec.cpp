#include "helper_exec.hpp"

#include <signal.h>

#include <initializer_list>

namespace skiff::network::detail {

void reset_signals_for_exec() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGPIPE, SIGHUP})
    ::signal(sig, SIG_DFL);
}

} // namespace skiff::network::detail
