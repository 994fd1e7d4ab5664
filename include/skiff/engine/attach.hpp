// Attaching to a running container: a connection to its supervisor's
// attach socket, and the frames spoken on it (the supervisor's protocol,
// under the engine's names).
#pragma once

#include "skiff/engine/engine.hpp"
#include "skiff/supervisor/attach_protocol.hpp"
#include "skiff/util/fd.hpp"

namespace skiff::engine {

using AttachFrame = supervisor::Frame;
using supervisor::decode_frame;
using supervisor::encode_frame;

// Connects to the attach socket of `v`, a running container.
Result<UniqueFd> attach_container(Engine &eng, const ContainerView &v);

} // namespace skiff::engine
