// The error of bad input to a container's options: exit 125, as Docker's.
#pragma once

#include <string>

#include "skiff/util/result.hpp"

namespace skiff::spec {

inline Error invalid(std::string msg) { return Error{Errc::invalid, std::move(msg), kExitRuntime}; }

} // namespace skiff::spec
