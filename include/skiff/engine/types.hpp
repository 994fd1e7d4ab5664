// The records the engine hands out, under the engine's own names: its
// callers (the CLI; build and compose later) name engine types only, while
// the records stay plain data defined where they are stored and read.
#pragma once

#include "skiff/image/config.hpp"
#include "skiff/runtime/exec.hpp"
#include "skiff/storage/container_config.hpp"
#include "skiff/storage/store.hpp"

namespace skiff::engine {

using ContainerConfig = storage::ContainerConfig;
using ContainerState = storage::ContainerState;
using MountConfig = storage::MountConfig;
using Limits = storage::Limits;  // --memory, --memory-swap, --cpus, --pids-limit
using RunStatus = storage::RunStatus;
using storage::status_name;  // "running", "exited", ... as ps and inspect show them

using ImageRecord = storage::ImageRecord;
using ImageConfig = image::ImageConfig;
using image::host_architecture;  // "amd64", "arm64", ... as image configs name it

// A process exec started: the helper to wait for (wait_exec gives the
// command's exit status), and the pty master with a terminal.
using ExecProcess = runtime::ExecProcess;
using runtime::wait_exec;

} // namespace skiff::engine
