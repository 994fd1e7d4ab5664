// write_copy_layer: where each source lands (fsutil's Copy and
// prepareTargetDir rules) and the entries written for it.
#include <sys/sysmacros.h>

#include <map>

#include "copy_archive.hpp"
#include "copy_out.hpp"
#include "copy_plan.hpp"
#include "copy_resolve.hpp"
#include "copy_source.hpp"
#include "skiff/build/copy.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::build {

namespace {

std::string below(const std::string &dir, const std::string &rel) {
  return dir == "/" ? "/" + rel : dir + "/" + rel;
}

// One source's entries, from its walk.
class SourceCopy {
public:
  SourceCopy(const CopyRequest &r, LayerOut &out, const std::string &dest, const PlannedSource &src)
      : r_(r), out_(out), dest_(dest), src_(src) {}

  Status visit(const SourceEntry &e) {
    if (!e.rel.empty())
      return write(below(target_, e.rel), e);
    if (S_ISDIR(e.st.st_mode)) {
      // The directory's contents go into the destination, which takes the
      // directory's time (fsutil restores it) but keeps its other metadata
      // when it exists.
      target_ = dest_;
      return out_.ensure_dir(dest_, e.st.st_mtime);
    }
    TRY_STATUS(out_.ensure_dir(dest_is_dir(r_) ? dest_ : fs::dirname(dest_)));
    target_ = TRY(out_.type_at(dest_)) == S_IFDIR ? below(dest_, src_.name) : dest_;
    if (r_.add && S_ISREG(e.st.st_mode) && is_archive(e.fd))
      return extract_archive(e.fd, dest_, out_);
    return write(target_, e);
  }

private:
  Status write(const std::string &abs, const SourceEntry &e) {
    const struct stat &st = e.st;
    image::TarHeader h;
    h.type = st.st_mode & S_IFMT;
    h.perm = S_ISLNK(st.st_mode) ? 0777 : out_.perm(st);
    h.uid = out_.uid(st, r_.keep_owners);
    h.gid = out_.gid(st, r_.keep_owners);
    h.mtime = st.st_mtime;
    if (S_ISSOCK(st.st_mode))
      return {};  // a socket cannot be put in a tar; fsutil's copy fails on it too
    if (S_ISLNK(st.st_mode))
      h.link = e.link;
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      h.rdev_major = major(st.st_rdev);
      h.rdev_minor = minor(st.st_rdev);
    }
    if (S_ISREG(st.st_mode)) {
      // Hardlinks within the source stay hardlinks (fsutil's inode map).
      if (st.st_nlink > 1) {
        auto [it, fresh] = inodes_.try_emplace({st.st_dev, st.st_ino}, abs);
        if (!fresh) {
          h.hardlink = true;
          h.link = tar_name(it->second);
          return out_.entry(abs, std::move(h));
        }
      }
      h.size = st.st_size;
      TRY_STATUS(out_.entry(abs, h));
      // Exactly st_size bytes, as the header promised.
      return read_entry(e, "the source of " + abs, [&](const char *p, size_t n) { return out_.data(p, n); });
    }
    return out_.entry(abs, std::move(h));
  }

  const CopyRequest &r_;
  LayerOut &out_;
  const std::string &dest_;
  const PlannedSource &src_;
  std::string target_;
  std::map<std::pair<dev_t, ino_t>, std::string> inodes_;
};

// A here-document: a file named after it, 0644 unless --chmod.
Status write_heredoc(const CopyRequest &r, LayerOut &out, const std::string &dest, const CopyFile &f) {
  TRY_STATUS(out.ensure_dir(dest_is_dir(r) ? dest : fs::dirname(dest)));
  std::string target = TRY(out.type_at(dest)) == S_IFDIR ? below(dest, fs::basename("/" + f.name)) : dest;
  image::TarHeader h;
  h.perm = r.chmod ? *r.chmod & 07777 : 0644;
  h.uid = r.uid.value_or(0);
  h.gid = r.gid.value_or(0);
  h.mtime = r.mtime;
  h.size = static_cast<int64_t>(f.content.size());
  TRY_STATUS(out.entry(target, h));
  return out.data(f.content.data(), f.content.size());
}

} // namespace

Status write_copy_layer(const CopyRequest &r, int dest_root_fd, image::TarWriter &w) {
  if (r.sources.empty() && r.heredocs.empty())
    return make_error(Errc::invalid, "no source files were specified");
  auto sources = TRY(plan_sources(r));
  if (sources.size() + r.heredocs.size() > 1 && !dest_is_dir(r) && !r.parents)
    return make_error(Errc::invalid,
                      "When using {} with more than one source file, the destination must be a directory and end with a /",
                      r.add ? "ADD" : "COPY");
  std::string dest = TRY(resolve_in_root(dest_root_fd, dest_path(r)));
  LayerOut out(r, dest_root_fd, w);
  ExcludeMatcher exclude(r.excludes);
  for (const auto &src : sources) {
    SourceFilter filter{r.ignore, exclude.empty() ? nullptr : &exclude,
                        src.include ? &*src.include : nullptr};
    SourceCopy copy(r, out, dest, src);
    TRY_STATUS(walk_source(r.source_root_fd, src.path, filter,
                           [&](const SourceEntry &e) { return copy.visit(e); }));
  }
  for (const auto &f : r.heredocs)
    TRY_STATUS(write_heredoc(r, out, dest, f));
  return {};
}

} // namespace skiff::build
