// COPY and ADD of local files: the layer they make, written as a tar
// straight from the sources (no container runs), with Docker's rules for
// what lands where. Sources come from the build context (ignore rules
// applied) or from another stage's or image's root.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "skiff/dockerfile/ignore.hpp"
#include "skiff/image/tar_writer.hpp"
#include "skiff/util/result.hpp"

namespace skiff::build {

struct CopyFile {
  std::string name;     // a here-document's name, as the destination file's name
  std::string content;
};

struct CopyRequest {
  // Where sources are read: the context directory, or a stage's or
  // image's root (read-only). Paths resolve inside it (symlinks too).
  int source_root_fd = -1;
  const dockerfile::IgnoreRules *ignore = nullptr;  // the context's; null for a stage
  std::vector<std::string> sources;  // expanded, relative to the source root; wildcards
  std::vector<CopyFile> heredocs;    // COPY <<EOF files, contents already expanded
  std::string dest;                  // expanded; relative to `workdir` unless absolute
  std::string workdir = "/";
  std::optional<uid_t> uid;          // --chown, resolved in the stage's /etc/passwd
  std::optional<gid_t> gid;
  std::optional<mode_t> chmod;       // --chmod
  std::vector<std::string> excludes; // --exclude patterns
  bool parents = false;              // --parents
  bool add = false;                  // ADD: local tar archives are extracted
  // COPY --from a stage or image: entries keep their owners (without
  // --chown); the context's are root's, as BuildKit receives them.
  bool keep_owners = false;
  int64_t mtime = 0;                 // seconds, for here-documents and made directories
};

// The sources' identity for the cache: their names, modes, owners and
// contents as they would be copied (sha256 hex). A missing source fails
// as BuildKit's does.
Result<std::string> sources_digest(const CopyRequest &r);

// The layer the copy makes over the stage root `dest_root_fd` (read-only;
// used to resolve the destination: an existing directory, symlinks in
// it, the parents to write with the metadata they have).
Status write_copy_layer(const CopyRequest &r, int dest_root_fd, image::TarWriter &w);

} // namespace skiff::build
