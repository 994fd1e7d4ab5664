// The entries below one source, as fsutil's copier visits them: parents
// first, names sorted, symlinks kept as links below the top, directories
// that are left out given only when something below them is taken.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "copy_resolve.hpp"
#include "copy_source.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::build {

namespace {

std::string join(const std::string &a, const std::string &b) {
  return a.empty() ? b : a + "/" + b;
}

class Walker {
public:
  Walker(const SourceFilter &f, const EntryVisit &v) : f_(f), visit_(v) {}

  Status dir(int dir_fd, const std::string &rel, const std::string &ctx) {
    for (const auto &name : TRY(sorted_names(dir_fd, "/" + ctx))) {
      std::string crel = join(rel, name), cctx = join(ctx, name);
      SourceEntry e;
      e.rel = crel;
      if (::fstatat(dir_fd, name.c_str(), &e.st, AT_SYMLINK_NOFOLLOW) != 0)
        return sys_error("stat /{}", cctx);
      bool ignored = f_.ignore && f_.ignore->excluded(cctx);
      bool excluded = f_.exclude && f_.exclude->excluded(crel);
      bool included = !f_.include || f_.include->excluded(crel);
      bool take = !ignored && !excluded && included;
      if (S_ISDIR(e.st.st_mode)) {
        bool enter = (!ignored || f_.ignore->may_include_below(cctx)) &&
                     (!excluded || f_.exclude->has_exceptions());
        if (!enter)
          continue;
        UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub)
          return sys_error("open /{}", cctx);
        pending_.push_back(e);
        if (take)
          TRY_STATUS(flush());
        TRY_STATUS(dir(sub.get(), crel, cctx));
        pending_.pop_back();
        emitted_ = std::min(emitted_, pending_.size());
        continue;
      }
      if (!take)
        continue;
      TRY_STATUS(flush());
      TRY_STATUS(leaf(dir_fd, name, cctx, e));
    }
    return {};
  }

  Status leaf(int dir_fd, const std::string &name, const std::string &ctx, SourceEntry &e) {
    if (S_ISLNK(e.st.st_mode)) {
      std::string target(PATH_MAX, '\0');
      ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
      if (n < 0)
        return sys_error("readlink /{}", ctx);
      target.resize(static_cast<size_t>(n));
      e.link = std::move(target);
      return visit_(e);
    }
    if (!S_ISREG(e.st.st_mode))
      return visit_(e);
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
      return sys_error("open /{}", ctx);
    e.fd = fd.get();
    return visit_(e);
  }

private:
  // Gives the directories above the entry about to be taken that were
  // held back.
  Status flush() {
    for (; emitted_ < pending_.size(); ++emitted_)
      TRY_STATUS(visit_(pending_[emitted_]));
    return {};
  }

  const SourceFilter &f_;
  const EntryVisit &visit_;
  std::vector<SourceEntry> pending_;  // the directories being walked
  size_t emitted_ = 0;                // how many of them were given
};

} // namespace

Status walk_source(int root_fd, const std::string &path, const SourceFilter &filter,
                   const EntryVisit &visit) {
  std::string where = "/" + path;
  auto fd = fs::open_in_root(root_fd, path.empty() ? "." : path, O_RDONLY | O_NONBLOCK);
  if (!fd)
    return source_not_found(path);
  SourceEntry top;
  if (::fstat(fd->get(), &top.st) != 0)
    return sys_error("stat {}", where);
  if (S_ISREG(top.st.st_mode))
    top.fd = fd->get();
  if (!S_ISDIR(top.st.st_mode))
    return visit(top);
  // The source directory itself is always taken: its contents go into the
  // destination, which it may create.
  TRY_STATUS(visit(top));
  Walker w(filter, visit);
  return w.dir(fd->get(), "", path);
}

Status read_entry(const SourceEntry &e, const std::string &what, const ReadPiece &piece) {
  char buf[64 * 1024];
  off_t off = 0;
  while (off < e.st.st_size) {
    ssize_t n = ::pread(e.fd, buf, static_cast<size_t>(std::min<off_t>(e.st.st_size - off, sizeof buf)), off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("reading {}", what);
    if (n == 0)
      return make_error(Errc::failed, "reading {}: it shrank while read", what);
    TRY_STATUS(piece(buf, static_cast<size_t>(n)));
    off += n;
  }
  return {};
}

} // namespace skiff::build
