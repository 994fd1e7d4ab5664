// Internal to the network module: the child side of starting a helper.
#pragma once

namespace skiff::network::detail {

// Unblocks every signal and puts SIGPIPE and SIGHUP back to their default:
// ignored signals stay ignored across exec, and the helpers expect neither
// (pasta refuses to start with SIGPIPE ignored). Async-signal-safe.
void reset_signals_for_exec();

} // namespace skiff::network::detail
