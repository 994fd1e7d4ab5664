// Sources and destination of a copy, as BuildKit's dispatchCopy sets them.
#include "copy_plan.hpp"

#include "copy_resolve.hpp"
#include "copy_source.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::build {

namespace {

// --parents (BuildKit 1.7): "a/./b/c" copies b/c with its parents from
// the pivot a; without "/./" the pivot is the root. A path without
// wildcards must exist.
Status plan_parents(const CopyRequest &r, const std::string &src, std::vector<PlannedSource> &out) {
  std::string pivot, pattern = src;
  if (size_t cut = src.find("/./"); cut != std::string::npos) {
    pivot = src.substr(0, cut);
    pattern = src.substr(cut + 3);
  }
  if (!has_wildcards(src))
    (void)TRY(expand_source(r.source_root_fd, src, r.ignore));
  for (auto &p : TRY(expand_source(r.source_root_fd, pivot, r.ignore))) {
    std::string name = fs::basename("/" + p);
    out.push_back({std::move(p), std::move(name),
                   ExcludeMatcher({fs::clean_path(pattern).substr(1)})});
  }
  return {};
}

} // namespace

Result<std::vector<PlannedSource>> plan_sources(const CopyRequest &r) {
  std::vector<PlannedSource> out;
  for (const auto &src : r.sources) {
    if (r.parents) {
      TRY_STATUS(plan_parents(r, src, out));
      continue;
    }
    for (auto &p : TRY(expand_source(r.source_root_fd, src, r.ignore))) {
      // A file keeps the name it was matched or named by, not its
      // symlink target's.
      std::string name = has_wildcards(src) ? fs::basename("/" + p) : fs::basename(fs::clean_path(src));
      out.push_back({std::move(p), std::move(name), std::nullopt});
    }
  }
  return out;
}

std::string dest_path(const CopyRequest &r) {
  if (!r.dest.empty() && r.dest[0] == '/')
    return fs::clean_path(r.dest);
  return fs::clean_path(r.workdir + "/" + r.dest);
}

bool dest_is_dir(const CopyRequest &r) {
  return r.dest.empty() || r.dest == "." || r.dest.back() == '/';
}

} // namespace skiff::build
