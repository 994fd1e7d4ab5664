// The source side of COPY and ADD: which paths a source names (wildcards
// expanded as BuildKit's fsutil does) and the entries below each one, as
// the copy reads them. Private to the build module.
#pragma once

#include <sys/stat.h>

#include <functional>
#include <string>
#include <vector>

#include "copy_match.hpp"
#include "skiff/dockerfile/ignore.hpp"
#include "skiff/util/result.hpp"

namespace skiff::build {

// What the copy leaves out: the context's .dockerignore (on paths relative
// to the context), --exclude (relative to each source) and --parents' include
// pattern (relative to the source it pivots on: nothing outside it is taken).
struct SourceFilter {
  const dockerfile::IgnoreRules *ignore = nullptr;
  const ExcludeMatcher *exclude = nullptr;
  const ExcludeMatcher *include = nullptr;
};

// The paths (relative to the root, symlinks in them resolved) one source
// names, sorted; empty when a wildcard matches nothing, as BuildKit allows.
// A named path that is missing or ignored is BuildKit's "not found" error.
Result<std::vector<std::string>> expand_source(int root_fd, const std::string &src,
                                               const dockerfile::IgnoreRules *ignore);

struct SourceEntry {
  std::string rel;   // below the source, '/'-separated; "" is the source itself
  struct stat st {};
  std::string link;  // a symlink's target
  int fd = -1;       // regular files: open for reading, valid during the visit
};
using EntryVisit = std::function<Status(const SourceEntry &)>;

// Walks the source at `path` (as expand_source gives it), parents before
// children, names sorted. Directories left out are given only when
// something below them is taken.
Status walk_source(int root_fd, const std::string &path, const SourceFilter &filter,
                   const EntryVisit &visit);

// Reads the regular file of entry `e` whole: exactly the st_size bytes
// its stat gave, in pieces; a file that shrank meanwhile is an error.
// `what` names it in errors ("reading WHAT: ...").
using ReadPiece = std::function<Status(const char *p, size_t n)>;
Status read_entry(const SourceEntry &e, const std::string &what, const ReadPiece &piece);

// The "not found" error for a source, in BuildKit's words.
Error source_not_found(const std::string &src);

} // namespace skiff::build
