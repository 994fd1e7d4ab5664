// A container's changes over its image's layers, walked with *at() calls
// on directory fds and O_NOFOLLOW, and written as a layer tar.
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <map>

#include "file_entries.hpp"
#include "skiff/image/layer_diff.hpp"
#include "skiff/util/fd.hpp"

namespace skiff::image {

using namespace diff_rules;
using namespace detail;

namespace {

bool is_whiteout(const struct stat &st) { return S_ISCHR(st.st_mode) && st.st_rdev == 0; }

// Overlay's opaque mark, as root (trusted.), in a user namespace (user.)
// or by fuse-overlayfs.
bool opaque_xattr(int dir_fd) {
  for (const char *key : {"trusted.overlay.opaque", "user.overlay.opaque", "user.fuseoverlayfs.opaque"}) {
    char v[2];
    if (::fgetxattr(dir_fd, key, v, sizeof v) == 1 && v[0] == 'y')
      return true;
  }
  return false;
}

// A name as the image's layers show it.
struct Lower {
  bool found = false;
  Facts facts;
  std::vector<UniqueFd> dirs;  // a directory's dirs in the layers, top first
};

class DiffWalker {
public:
  DiffWalker(bool full_copy, std::vector<DiffEntry> &out) : full_copy_(full_copy), out_(out) {}

  // The changes in directory `top` (its name `prefix`: "" or "a/b/"),
  // whose image content is in `lowers`; `listed` tells whether any.
  Status dir(int top, const std::string &prefix, const std::vector<int> &lowers, bool opaque, bool &listed) {
    enum class From { upper, whiteout_file, lower_only };
    std::map<std::string, std::pair<From, std::string>> items;  // name -> where, name in top
    for (const auto &[n, type] : TRY(list_dir(top, prefix))) {
      (void)type;
      if (full_copy_) {
        items[n] = {From::upper, n};
      } else if (auto target = whiteout_target(n)) {
        items[*target] = {From::whiteout_file, n};
      } else if (n.rfind(".wh..wh.", 0) != 0 && n != kFuseOpaqueMarker) {
        items[n] = {From::upper, n};
      }
    }
    if (full_copy_ || opaque)
      for (const auto &n : TRY(lower_names(lowers, prefix)))
        items.try_emplace(n, From::lower_only, "");
    for (const auto &[name, where] : items) {
      std::string rel = prefix + name;
      const auto &[from, name_in_top] = where;
      if (from == From::lower_only) {
        DiffEntry e{rel, ChangeKind::deleted, full_copy_ ? DiffEntry::InTar::whiteout : DiffEntry::InTar::none};
        out_.push_back(std::move(e));
        listed = true;
        continue;
      }
      struct stat st;
      if (::fstatat(top, name_in_top.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)  // removed meanwhile in a running container
          continue;
        return sys_error("inspecting /{}", rel);
      }
      if (from == From::whiteout_file || (!full_copy_ && is_whiteout(st))) {
        DiffEntry e{rel, ChangeKind::deleted, DiffEntry::InTar::whiteout};
        e.uid = st.st_uid;
        e.gid = st.st_gid;
        e.mtime = st.st_mtim.tv_sec;
        out_.push_back(std::move(e));
        listed = true;
        continue;
      }
      Lower lw = TRY(lookup(lowers, name, rel));
      Facts f = facts_of(st);
      if (S_ISDIR(st.st_mode)) {
        TRY_STATUS(subdir(top, name, rel, f, lw, listed));
        continue;
      }
      if (S_ISLNK(st.st_mode))
        f.link = TRY(read_link(top, name, st, rel));
      if (runtime_file(rel, f) || (full_copy_ && lw.found && unchanged(f, lw.facts)))
        continue;
      out_.push_back({rel, lw.found ? ChangeKind::changed : ChangeKind::added});
      listed = true;
    }
    return {};
  }

private:
  Status subdir(int top, const std::string &name, const std::string &rel, const Facts &f, Lower &lw,
                bool &listed) {
    UniqueFd sub(::openat(top, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) {
      if (errno == ENOENT)
        return {};
      return sys_error("opening /{}", rel);
    }
    bool opaque = !full_copy_ && (opaque_xattr(sub.get()) ||
                                  ::faccessat(sub.get(), std::string(kOpaqueMarker).c_str(), F_OK,
                                              AT_SYMLINK_NOFOLLOW) == 0);
    std::vector<int> lowers;
    if (lw.found && lw.facts.type == S_IFDIR)
      for (const auto &d : lw.dirs)
        lowers.push_back(d.get());
    size_t at = out_.size();
    out_.emplace_back();
    bool below = false;
    TRY_STATUS(dir(sub.get(), rel + "/", lowers, opaque, below));
    bool keep = lw.found ? below || opaque || dir_changed(f, lw.facts) : below || !runtime_dir(rel, f);
    if (!keep) {
      out_.pop_back();
      return {};
    }
    out_[at] = {rel, lw.found ? ChangeKind::changed : ChangeKind::added};
    out_[at].opaque = opaque;
    listed = true;
    return {};
  }

  // `name` in the layers, top first: the first layer that has it decides
  // (a whiteout there: gone); a directory continues into lower layers
  // until one has a non-directory there or marks it opaque.
  Result<Lower> lookup(const std::vector<int> &lowers, const std::string &name, const std::string &rel) {
    Lower r;
    for (int l : lowers) {
      struct stat st;
      if (::fstatat(l, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
          continue;
        return sys_error("inspecting /{} in the image", rel);
      }
      if (is_whiteout(st) || (r.found && !S_ISDIR(st.st_mode)))
        break;
      if (!r.found) {
        r.found = true;
        r.facts = facts_of(st);
        if (S_ISLNK(st.st_mode))
          r.facts.link = TRY(read_link(l, name, st, rel));
      }
      if (!S_ISDIR(st.st_mode))
        break;
      UniqueFd d(::openat(l, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!d)
        return sys_error("opening /{} in the image", rel);
      bool opaque = opaque_xattr(d.get());
      r.dirs.push_back(std::move(d));
      if (opaque)
        break;
    }
    return r;
  }

  // The names the image has in a directory: each layer's, unless a layer
  // above whited it out.
  Result<std::vector<std::string>> lower_names(const std::vector<int> &lowers, const std::string &prefix) {
    std::map<std::string, bool> seen;  // name -> shown
    for (int l : lowers)
      for (const auto &[n, type] : TRY(list_dir(l, prefix))) {
        if (seen.count(n))
          continue;
        bool shown = true;
        struct stat st;
        if ((type == DT_CHR || type == DT_UNKNOWN) && ::fstatat(l, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
          shown = !is_whiteout(st);
        seen[n] = shown;
      }
    std::vector<std::string> out;
    for (const auto &[n, shown] : seen)
      if (shown)
        out.push_back(n);
    return out;
  }

  bool full_copy_;
  std::vector<DiffEntry> &out_;
};

// Opens directory `rel` below `root` without following any link.
UniqueFd open_beneath(int root, const std::string &rel) {
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  std::string path = rel.empty() ? "." : rel;
  long fd;
  do
    fd = ::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how);
  while (fd < 0 && errno == EAGAIN);
  return UniqueFd(static_cast<int>(fd));
}

class TarFiles {
public:
  TarFiles(int top, TarWriter &w) : top_(top), w_(w), files_(w) {}

  Status entry(const DiffEntry &e) {
    auto slash = e.path.rfind('/');
    std::string parent = slash == std::string::npos ? "" : e.path.substr(0, slash);
    std::string base = e.path.substr(parent.empty() ? 0 : parent.size() + 1);
    std::string dir_prefix = parent.empty() ? "" : parent + "/";
    if (e.in_tar == DiffEntry::InTar::none)
      return {};
    if (e.in_tar == DiffEntry::InTar::whiteout) {
      TarHeader h;
      h.name = dir_prefix + ".wh." + base;
      h.perm = 0600;
      h.uid = e.uid;
      h.gid = e.gid;
      h.mtime = e.mtime;
      return w_.header(h);
    }
    if (!dir_fd_ || dir_name_ != parent) {
      dir_fd_ = open_beneath(top_, parent);
      dir_name_ = parent;
      if (!dir_fd_) {
        if (errno == ENOENT)  // removed meanwhile in a running container
          return {};
        return sys_error("opening /{}", parent);
      }
    }
    int dfd = dir_fd_.get();
    struct stat st;
    if (::fstatat(dfd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT)
        return {};
      return sys_error("inspecting /{}", e.path);
    }
    TarHeader h = header_of(st, e.path);
    if (h.type != S_IFDIR)
      return files_.write(dfd, base, st, std::move(h));
    TRY_STATUS(w_.header(h));
    if (!e.opaque)
      return {};
    // moby's overlay converter: a regular file with the directory's
    // mode and owner, no time.
    TarHeader marker;
    marker.name = e.path + "/" + std::string(kOpaqueMarker);
    marker.perm = h.perm & 0777;
    marker.uid = h.uid;
    marker.gid = h.gid;
    return w_.header(marker);
  }

private:
  int top_;
  TarWriter &w_;
  FileEntries files_;
  UniqueFd dir_fd_;
  std::string dir_name_;
};

} // namespace

Result<std::vector<DiffEntry>> diff_layers(const DiffSource &src) {
  std::vector<DiffEntry> out;
  DiffWalker walker(src.full_copy, out);
  bool listed = false;
  TRY_STATUS(walker.dir(src.top_fd, "", src.lower_fds, false, listed));
  return out;
}

Status write_diff_tar(int top_fd, const std::vector<DiffEntry> &entries, TarWriter &w) {
  TarFiles files(top_fd, w);
  for (const auto &e : entries)
    TRY_STATUS(files.entry(e));
  return w.close();
}

} // namespace skiff::image
