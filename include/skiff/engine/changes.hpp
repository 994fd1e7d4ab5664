// Dockerfile-style instructions for "import --change" (CMD, ENTRYPOINT,
// ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK)
// applied to an image config. Pure.
#pragma once

#include <string>
#include <vector>

#include "skiff/image/config.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

Status apply_change(image::RunDefaults &cfg, const std::string &instruction);

// "a b 'c d'" split as a shell would for exec-form-less instructions;
// JSON arrays are taken as they are.
Result<std::vector<std::string>> parse_command_form(const std::string &text, bool &shell_form);

} // namespace skiff::engine
