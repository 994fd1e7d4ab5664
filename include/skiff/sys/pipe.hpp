// A close-on-exec pipe with owned ends.
#pragma once

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff::sys {

struct Pipe {
  UniqueFd read, write;
};

Result<Pipe> make_pipe();

} // namespace skiff::sys
