// sources_digest: what a copy would read, hashed as BuildKit's content
// checksum sees it (names, types, modes, owners, link targets, contents;
// never times), so an unrelated or only touched file keeps the cache.
#include "copy_plan.hpp"
#include "copy_source.hpp"
#include "skiff/build/copy.hpp"
#include "skiff/util/digest.hpp"

namespace skiff::build {

namespace {

// Length-prefixed, so no two different inputs give the same bytes.
void field(Sha256 &h, std::string_view s) {
  std::string n = std::to_string(s.size()) + ":";
  h.update(n);
  h.update(s);
}

} // namespace

Result<std::string> sources_digest(const CopyRequest &r) {
  Sha256 h;
  ExcludeMatcher exclude(r.excludes);
  for (const auto &src : TRY(plan_sources(r))) {
    field(h, "source");
    field(h, src.path);
    field(h, src.name);
    SourceFilter filter{r.ignore, exclude.empty() ? nullptr : &exclude,
                        src.include ? &*src.include : nullptr};
    TRY_STATUS(walk_source(r.source_root_fd, src.path, filter, [&](const SourceEntry &e) -> Status {
      const struct stat &st = e.st;
      field(h, e.rel);
      field(h, fmt::format("{:o} {} {}", st.st_mode, r.keep_owners ? st.st_uid : 0,
                           r.keep_owners ? st.st_gid : 0));
      field(h, e.link);
      if (!S_ISREG(st.st_mode))
        return {};
      field(h, std::to_string(st.st_size));
      return read_entry(e, "/" + src.path + "/" + e.rel, [&](const char *p, size_t n) -> Status {
        h.update(p, n);
        return {};
      });
    }));
  }
  for (const auto &f : r.heredocs) {
    field(h, "heredoc");
    field(h, f.name);
    field(h, f.content);
  }
  return h.hex();
}

} // namespace skiff::build
