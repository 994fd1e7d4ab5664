// -o: the final stage's root file system written out, as BuildKit's
// local and tar exporters write it. Private to the build module.
#pragma once

#include <string>
#include <vector>

#include "skiff/build/build.hpp"

namespace skiff::build {

// local: copied into the directory (made when missing; entries of the
// same name replaced, others left); tar: written as docker export writes
// a container (write_tree_tar).
Status write_output(engine::Engine &eng, const std::vector<std::string> &layers, const BuildOutput &o,
                    Progress &progress);

} // namespace skiff::build
