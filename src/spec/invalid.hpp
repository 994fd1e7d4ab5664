// The error of bad input that Docker's daemon refuses (run exits 125,
// create 1); flag_invalid (parse.hpp) is what docker/cli refuses.
#pragma once

#include <string>

#include "skiff/spec/parse.hpp"

#include "skiff/util/result.hpp"

namespace skiff::spec {

inline Error invalid(std::string msg) { return Error{Errc::invalid, std::move(msg), kExitRuntime}; }

} // namespace skiff::spec
