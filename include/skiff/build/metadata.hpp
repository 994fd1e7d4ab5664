// The instructions that change only the image config (ENV, LABEL, USER,
// EXPOSE, VOLUME, CMD, ENTRYPOINT, SHELL, STOPSIGNAL, HEALTHCHECK,
// MAINTAINER, ONBUILD, and WORKDIR's path), applied as BuildKit's
// dispatchers apply them, and the history line each leaves. Pure: the
// words come expanded by the caller's `expand`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/dockerfile/dockerfile.hpp"
#include "skiff/dockerfile/expand.hpp"
#include "skiff/image/config.hpp"

namespace skiff::build {

// The stage's shell (SHELL, else the image's "Shell", else /bin/sh -c).
std::vector<std::string> stage_shell(const image::ImageConfig &c);

// Applies `cmd` to `c`; `env` looks up the stage's ENV and ARG values.
// Returns the history's created_by ("ENV A=b"). Not for RUN, COPY, ADD,
// ARG (the caller's), nor FROM.
Result<std::string> apply_metadata(image::ImageConfig &c, const dockerfile::Command &cmd,
                                   const dockerfile::Lookup &env, char escape);

// A relative WORKDIR taken from the current one, cleaned.
std::string join_workdir(std::string_view current, std::string_view path);

// What a CommandLine runs: exec form as it is; shell form through `shell`.
std::vector<std::string> command_argv(const dockerfile::CommandLine &c,
                                      const std::vector<std::string> &shell);

} // namespace skiff::build
