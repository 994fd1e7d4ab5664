// "run"/"create" flags: their table, and the flags turned into the
// container's options (the string forms parsed by spec/parse.hpp; the merge
// with the image is spec/merge.hpp's, called by the engine).
#pragma once

#include <string>
#include <vector>

#include "skiff/cli/command.hpp"
#include "skiff/spec/create_options.hpp"

namespace skiff::cli {

// The flags "run" and "create" share.
std::vector<Flag> container_create_flags();

// host_env: the CLI's environment ("KEY=value"), for "-e KEY" without a
// value; cwd: the working directory, against which relative bind sources
// resolve. Reads the env files and seccomp profiles the flags name.
Result<spec::CreateOptions> create_options(const Args &args, const std::vector<std::string> &host_env,
                                           const std::string &cwd);

} // namespace skiff::cli
