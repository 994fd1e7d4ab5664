// ONBUILD triggers of a base image: run first in the stage that names
// the image in FROM, then cleared from the stage's image (Docker's rule).
// Private to the build module.
#pragma once

#include <vector>

#include "skiff/dockerfile/dockerfile.hpp"
#include "skiff/image/config.hpp"

namespace skiff::build {

// The triggers of `c` (its config's OnBuild) parsed as Dockerfile
// instructions, in order; OnBuild is removed from `c`. A trigger that is
// not one instruction, or is FROM, MAINTAINER or ONBUILD, fails as
// BuildKit's does.
Result<std::vector<dockerfile::Command>> take_onbuild_triggers(image::ImageConfig &c);

} // namespace skiff::build
