// What a COPY or ADD reads: each source expanded to the paths it names,
// with --parents' pivot and include pattern, and where the destination
// is. Private to the build module.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "copy_match.hpp"
#include "skiff/build/copy.hpp"

namespace skiff::build {

struct PlannedSource {
  std::string path;  // relative to the source root, symlinks resolved: walk from here
  std::string name;  // the base name a copied file takes in a destination directory
  // --parents: the pattern (relative to `path`) of what is taken below it,
  // parents included.
  std::optional<ExcludeMatcher> include;
};

Result<std::vector<PlannedSource>> plan_sources(const CopyRequest &r);

// The destination, absolute and clean (relative ones under the workdir).
std::string dest_path(const CopyRequest &r);
// Whether the destination names a directory: it ends in '/' (or is ".").
bool dest_is_dir(const CopyRequest &r);

} // namespace skiff::build
