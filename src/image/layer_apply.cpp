// Applies one layer tar onto a directory. Every lookup goes through
// DirCache (O_NOFOLLOW per component, RESOLVE_IN_ROOT for symlinks) and
// every change uses *at() calls on the last component without following it,
// so no entry can reach outside the destination.
#include "skiff/image/layer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unordered_set>
#include <vector>

#include <archive.h>
#include <archive_entry.h>

#include "safe_tree.hpp"
#include "skiff/image/tar_split.hpp"
#include "skiff/util/fs.hpp"
#include "tar_stream.hpp"

namespace skiff::image {

using namespace detail;

namespace {

constexpr std::string_view kWhiteout = ".wh.";
constexpr std::string_view kOpaque = ".wh..wh..opq";
// AUFS bookkeeping (".wh..wh.plnk" and such) has no meaning here.
constexpr std::string_view kWhiteoutMeta = ".wh..wh.";

bool id_mapped(const char *map_file, unsigned long id) {
  auto text = fs::read_file(map_file);
  if (!text)
    return true;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t eol = text->find('\n', pos);
    if (eol == std::string::npos)
      eol = text->size();
    unsigned long inside = 0, outside = 0, count = 0;
    if (std::sscanf(text->substr(pos, eol - pos).c_str(), "%lu %lu %lu", &inside,
                    &outside, &count) == 3 &&
        id >= inside && id - inside < count)
      return true;
    pos = eol + 1;
  }
  return false;
}

class Applier {
public:
  Applier(int root, const LayerApplyOptions &opts, TarStream &tar)
      : root_(root), opts_(opts), tar_(tar), dirs_(root), creation_(creation_facts(root)) {}

  Status entry(archive_entry *e);
  Status finish();
  uint64_t size() const { return size_; }

private:
  struct DirTimes {
    std::string rel;
    timespec ts[2];
  };

  Status regular(archive_entry *e, int pfd, const std::string &base);
  Status directory(archive_entry *e, int pfd, const std::string &base);
  Status symlink(archive_entry *e, int pfd, const std::string &base);
  Status hardlink(const char *target, int pfd, const std::string &base);
  Status node(archive_entry *e, int pfd, const std::string &base, bool &skipped);
  Status whiteout(const std::string &dir, const std::string &base);
  Status opaque(const std::string &dir);
  Status metadata(archive_entry *e, int pfd, const std::string &base, int fd);
  Status chown_failed(archive_entry *e);
  Status set_xattrs(archive_entry *e, int pfd, const std::string &base, int fd);
  Status replace(int pfd, const std::string &base);
  Result<int> dir_fd(const std::string &dir, bool create);
  void note_written(const std::string &rel);

  template <typename... A> Error fail(fmt::format_string<A...> f, A &&...args) {
    return make_error(Errc::invalid, "layer entry \"{}\": {}", name_,
                      fmt::format(f, std::forward<A>(args)...));
  }
  template <typename... A> Error sys_fail(fmt::format_string<A...> f, A &&...args) {
    return sys_error("layer entry \"{}\": {}", name_,
                     fmt::format(f, std::forward<A>(args)...));
  }

  // What a file made here gets without being told: owner and group, and
  // the permission bits open() leaves. When they are what the entry asks,
  // its fchown and fchmod are skipped (two of a small file's six calls).
  struct CreationFacts {
    bool known = false;  // an empty root, without set-group-ID or default ACL
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t umask = 0777;
  };
  static CreationFacts creation_facts(int root);
  bool owner_is(uid_t uid, gid_t gid) const {
    return creation_.known && uid == creation_.uid && gid == creation_.gid;
  }

  int root_;
  const LayerApplyOptions &opts_;
  TarStream &tar_;
  DirCache dirs_;
  std::string name_; // the entry's name as written in the tar
  std::string rel_;  // cleaned, relative to the root
  std::vector<DirTimes> dir_times_;
  // Without overlay, an opaque directory keeps only what this layer wrote.
  std::unordered_set<std::string> written_;
  uint64_t size_ = 0;
  CreationFacts creation_;
};

Applier::CreationFacts Applier::creation_facts(int root) {
  CreationFacts f;
  struct stat st;
  if (::fstat(root, &st) < 0 || (st.st_mode & S_ISGID))
    return f;
  // A default ACL would set new files' modes in place of the umask.
  std::string path = fmt::format("/proc/self/fd/{}", root);
  if (::getxattr(path.c_str(), "system.posix_acl_default", nullptr, 0) >= 0 || errno != ENODATA)
    return f;
  // Only what this layer makes: a set-group-ID directory already there
  // would give new files its group.
  UniqueFd dir(::openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR *d = dir ? ::fdopendir(dir.get()) : nullptr;
  if (!d)
    return f;
  dir.release();
  bool empty = true;
  while (dirent *e = ::readdir(d))
    if (std::string_view n = e->d_name; n != "." && n != "..")
      empty = false;
  ::closedir(d);
  if (!empty)
    return f;
  auto status = fs::read_file("/proc/self/status");
  auto at = status ? status->find("\nUmask:\t") : std::string::npos;
  if (at == std::string::npos)
    return f;
  f.umask = static_cast<mode_t>(std::strtoul(status->c_str() + at + 8, nullptr, 8));
  f.uid = ::geteuid();
  f.gid = ::getegid();
  f.known = true;
  return f;
}

Status Applier::entry(archive_entry *e) {
  dirs_.begin_entry();
  const char *raw = archive_entry_pathname(e);
  if (!raw)
    return make_error(Errc::invalid, "layer entry without a name");
  name_ = raw;
  auto rel = clean_entry_path(name_);
  if (!rel)
    return fail("path climbs out of the layer directory");
  rel_ = std::move(*rel);
  std::string dir = parent_of(rel_), base = base_of(rel_);
  if (base.starts_with(kWhiteout))
    return whiteout(dir, base);
  if (!opts_.overlay_whiteouts)
    note_written(rel_);
  int pfd = TRY(dir_fd(dir, true));
  if (rel_.empty())
    base = "."; // the root itself: only its metadata can change
  if (const char *target = archive_entry_hardlink(e))
    return hardlink(target, pfd, base);
  switch (archive_entry_filetype(e)) {
  case AE_IFREG:
    return regular(e, pfd, base);
  case AE_IFDIR:
    return directory(e, pfd, base);
  case AE_IFLNK:
    return symlink(e, pfd, base);
  case AE_IFCHR:
  case AE_IFBLK:
  case AE_IFIFO: {
    bool skipped = false;
    TRY_STATUS(node(e, pfd, base, skipped));
    return skipped ? Status{} : metadata(e, pfd, base, -1);
  }
  default:
    return fail("unsupported file type {:o}", archive_entry_filetype(e));
  }
}

Result<int> Applier::dir_fd(const std::string &dir, bool create) {
  auto fd = dirs_.get(dir, create);
  if (!fd)
    return fail("{}", fd.error().message);
  return *fd;
}

// Makes room for a new non-directory (or a directory over a non-directory).
Status Applier::replace(int pfd, const std::string &base) {
  if (base == ".")
    return fail("the layer root must be a directory");
  dirs_.invalidate();
  auto st = remove_at(pfd, base, "/" + rel_);
  return st ? st : fail("{}", st.error().message);
}

Status Applier::regular(archive_entry *e, int pfd, const std::string &base) {
  constexpr int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  // Made with its final permissions where the umask keeps them (a file
  // with set-ID bits starts private: they come after its owner).
  mode_t perm = archive_entry_perm(e) & 07777;
  mode_t initial = (perm & 07000) ? 0600 : perm;
  UniqueFd fd(::openat(pfd, base.c_str(), flags, initial));
  if (!fd && errno == EEXIST) {
    TRY_STATUS(replace(pfd, base));
    fd.reset(::openat(pfd, base.c_str(), flags, initial));
  }
  if (!fd)
    return sys_fail("creating file");
  int64_t size = archive_entry_size(e);
  if (auto st = tar_.copy_data(fd.get(), size); !st)
    return fail("{}", st.error().message);
  size_ += static_cast<uint64_t>(size);
  return metadata(e, pfd, base, fd.get());
}

Status Applier::directory(archive_entry *e, int pfd, const std::string &base) {
  if (::mkdirat(pfd, base.c_str(), 0700) < 0) {
    if (errno != EEXIST)
      return sys_fail("creating directory");
    struct stat st;
    if (::fstatat(pfd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
      return sys_fail("inspecting existing path");
    if (!S_ISDIR(st.st_mode)) {
      TRY_STATUS(replace(pfd, base));
      if (::mkdirat(pfd, base.c_str(), 0700) < 0)
        return sys_fail("creating directory");
    }
  }
  return metadata(e, pfd, base, -1);
}

Status Applier::symlink(archive_entry *e, int pfd, const std::string &base) {
  const char *target = archive_entry_symlink(e);
  if (!target)
    return fail("symlink without a target");
  // Any target is kept as it is, also one climbing above the root, as
  // Docker does: it is never followed here (entries below it resolve
  // inside the layer's root), and in a container it resolves in its root.
  if (::symlinkat(target, pfd, base.c_str()) < 0) {
    if (errno != EEXIST)
      return sys_fail("creating symlink");
    TRY_STATUS(replace(pfd, base));
    if (::symlinkat(target, pfd, base.c_str()) < 0)
      return sys_fail("creating symlink");
  }
  return metadata(e, pfd, base, -1);
}

Status Applier::hardlink(const char *target, int pfd, const std::string &base) {
  auto trel = clean_entry_path(target);
  if (!trel || trel->empty())
    return fail("hardlink target \"{}\" is not inside the layer directory", target);
  if (*trel == rel_)
    return {};
  int tpfd = TRY(dir_fd(parent_of(*trel), false));
  if (tpfd < 0)
    return fail("hardlink target \"{}\" does not exist", target);
  std::string tbase = base_of(*trel);
  // Without AT_SYMLINK_FOLLOW the link is to the target itself, even when
  // it is a symlink, so the target's name cannot redirect it.
  if (::linkat(tpfd, tbase.c_str(), pfd, base.c_str(), 0) == 0)
    return {};
  if (errno == EEXIST) {
    TRY_STATUS(replace(pfd, base));
    if (::linkat(tpfd, tbase.c_str(), pfd, base.c_str(), 0) == 0)
      return {};
  }
  return sys_fail("hardlink to \"{}\"", target);
}

Status Applier::node(archive_entry *e, int pfd, const std::string &base, bool &skipped) {
  mode_t type = archive_entry_filetype(e);
  dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
  mode_t mode = type | (archive_entry_perm(e) & 07777);
  if (::mknodat(pfd, base.c_str(), mode, dev) == 0)
    return {};
  if (errno == EEXIST) {
    TRY_STATUS(replace(pfd, base));
    if (::mknodat(pfd, base.c_str(), mode, dev) == 0)
      return {};
  }
  // Rootless: real devices cannot be made in a user namespace; podman's
  // storage drops them the same way.
  if (errno == EPERM && type != AE_IFIFO) {
    skipped = true;
    return {};
  }
  return sys_fail("creating device node");
}

Status Applier::whiteout(const std::string &dir, const std::string &base) {
  if (base == kOpaque)
    return opaque(dir);
  if (base.starts_with(kWhiteoutMeta))
    return {};
  std::string victim = base.substr(kWhiteout.size());
  if (victim.empty() || victim == "." || victim == "..")
    return fail("invalid whiteout name");
  if (!opts_.overlay_whiteouts) {
    int pfd = TRY(dir_fd(dir, false));
    if (pfd < 0)
      return {};
    dirs_.invalidate();
    auto st = remove_at(pfd, victim, victim);
    return st ? st : fail("{}", st.error().message);
  }
  int pfd = TRY(dir_fd(dir, true));
  // overlayfs reads a 0/0 character device as "deleted in this layer".
  if (::mknodat(pfd, victim.c_str(), S_IFCHR, makedev(0, 0)) < 0) {
    if (errno != EEXIST)
      return sys_fail("creating whiteout for {}", victim);
    dirs_.invalidate();
    if (auto st = remove_at(pfd, victim, victim); !st)
      return fail("{}", st.error().message);
    if (::mknodat(pfd, victim.c_str(), S_IFCHR, makedev(0, 0)) < 0)
      return sys_fail("creating whiteout for {}", victim);
  }
  return {};
}

Status Applier::opaque(const std::string &dir) {
  int dfd = TRY(dir_fd(dir, true));
  if (opts_.overlay_whiteouts) {
    const char *key = opts_.userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
    // Through /proc because dfd is an O_PATH fd, which fsetxattr refuses.
    auto path = fmt::format("/proc/self/fd/{}", dfd);
    if (::setxattr(path.c_str(), key, "y", 1, 0) < 0)
      return sys_fail("setting {} on /{}", key, dir);
    return {};
  }
  UniqueFd rd(::openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR *d = rd ? ::fdopendir(rd.get()) : nullptr;
  if (!d)
    return sys_fail("listing /{}", dir);
  rd.release();
  std::vector<std::string> gone;
  while (dirent *ent = ::readdir(d)) {
    std::string_view n = ent->d_name;
    if (n == "." || n == "..")
      continue;
    std::string child = dir.empty() ? std::string(n) : dir + "/" + std::string(n);
    if (!written_.contains(child))
      gone.emplace_back(n);
  }
  ::closedir(d);
  dirs_.invalidate();
  for (auto &n : gone)
    if (auto st = remove_at(dfd, n, n); !st)
      return fail("{}", st.error().message);
  return {};
}

void Applier::note_written(const std::string &rel) {
  for (std::string p = rel; !p.empty() && written_.insert(p).second; p = parent_of(p)) {
  }
}

// Ownership, then mode (chown clears set-id bits), then xattrs (chown drops
// security.capability), then times; directory times wait for finish().
Status Applier::metadata(archive_entry *e, int pfd, const std::string &base, int fd) {
  auto uid = static_cast<uid_t>(archive_entry_uid(e));
  auto gid = static_cast<gid_t>(archive_entry_gid(e));
  mode_t type = archive_entry_filetype(e);
  int r = 0;
  // Directories may have been made earlier, as a parent, by DirCache.
  bool made_here = type != AE_IFDIR;
  if (!made_here || !owner_is(uid, gid))
    r = fd >= 0 ? ::fchown(fd, uid, gid)
                : ::fchownat(pfd, base.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW);
  if (r < 0)
    return chown_failed(e);
  mode_t perm = archive_entry_perm(e) & 07777;
  // A new directory is set-group-ID: files made below it take its group.
  if (type == AE_IFDIR && (perm & S_ISGID))
    creation_.known = false;
  bool mode_given = type == AE_IFREG && creation_.known && (perm & 07000) == 0 &&
                    (perm & creation_.umask) == 0;
  if (type != AE_IFLNK && !mode_given) {
    r = fd >= 0 ? ::fchmod(fd, perm) : ::fchmodat(pfd, base.c_str(), perm, 0);
    if (r < 0)
      return sys_fail("setting mode");
  }
  TRY_STATUS(set_xattrs(e, pfd, base, fd));
  timespec ts[2];
  ts[1] = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
  ts[0] = archive_entry_atime_is_set(e)
              ? timespec{archive_entry_atime(e), archive_entry_atime_nsec(e)}
              : ts[1];
  if (type == AE_IFDIR) {
    dir_times_.push_back({rel_, {ts[0], ts[1]}});
    return {};
  }
  r = fd >= 0 ? ::futimens(fd, ts) : ::utimensat(pfd, base.c_str(), ts, AT_SYMLINK_NOFOLLOW);
  if (r < 0)
    return sys_fail("setting times");
  return {};
}

Status Applier::chown_failed(archive_entry *e) {
  if (errno != EINVAL)
    return sys_fail("changing owner");
  // EINVAL: the id has no mapping in this user namespace.
  unsigned long uid = static_cast<unsigned long>(archive_entry_uid(e));
  bool uid_ok = id_mapped("/proc/self/uid_map", uid);
  return make_error(Errc::failed,
                    "layer file /{} is owned by {} {} which is not mapped in the user "
                    "namespace: add a larger range to /etc/subuid and /etc/subgid",
                    rel_, uid_ok ? "gid" : "uid",
                    uid_ok ? static_cast<unsigned long>(archive_entry_gid(e)) : uid);
}

Status Applier::set_xattrs(archive_entry *e, int pfd, const std::string &base, int fd) {
  if (archive_entry_xattr_reset(e) == 0)
    return {};
  // Devices, fifos and symlinks cannot be opened for fsetxattr; the /proc
  // path reaches the entry through the held parent fd without following it.
  std::string path = fmt::format("/proc/self/fd/{}/{}", pfd, base);
  const char *key;
  const void *value;
  size_t len;
  while (archive_entry_xattr_next(e, &key, &value, &len) == ARCHIVE_OK) {
    std::string_view k = key;
    // Overlay metadata comes only from whiteouts; taken from a tar it could
    // redirect lookups into other layers.
    if (k.starts_with("trusted.overlay.") || k.starts_with("user.overlay."))
      continue;
    int r = fd >= 0 ? ::fsetxattr(fd, key, value, len, 0)
                    : ::lsetxattr(path.c_str(), key, value, len, 0);
    // Rootless or on file systems without that namespace, some xattrs
    // (trusted.*, security.selinux) cannot be set; images work without them.
    if (r < 0 && errno != EPERM && errno != ENOTSUP)
      return sys_fail("setting xattr {}", k);
  }
  return {};
}

Status Applier::finish() {
  for (auto &d : dir_times_) {
    dirs_.begin_entry();
    int pfd = TRY(dirs_.get(parent_of(d.rel), false));
    std::string base = d.rel.empty() ? "." : base_of(d.rel);
    // A later entry may have removed the directory.
    if (pfd >= 0 && ::utimensat(pfd, base.c_str(), d.ts, AT_SYMLINK_NOFOLLOW) < 0 &&
        errno != ENOENT)
      return sys_error("setting times of /{}", d.rel);
  }
  return {};
}

} // namespace

Result<LayerInfo> apply_layer(int input_fd, int dest_dir_fd, const LayerApplyOptions &opts) {
  // Declared before the stream, whose reading thread feeds it.
  std::optional<TarSplitWriter> split;
  Prefetcher::Tap tap;
  if (opts.tar_split_fd >= 0) {
    split.emplace(opts.tar_split_fd);
    tap = [&split](const uint8_t *p, size_t n) { split->feed(p, n); };
  }
  TarStream tar(input_fd, true, "layer", tap);
  TRY_STATUS(tar.open());
  Applier applier(dest_dir_fd, opts, tar);
  while (archive_entry *e = TRY(tar.next()))
    TRY_STATUS(applier.entry(e));
  TRY_STATUS(applier.finish());
  TRY_STATUS(tar.drain());
  if (split)
    TRY_STATUS(split->finish());
  LayerInfo info;
  info.compression = tar.input().compression();
  info.compressed_size = tar.input().input_size();
  auto d = tar.digests();
  info.digest = std::move(d.input);
  info.diff_id = std::move(d.output);
  info.size = applier.size();
  return info;
}

} // namespace skiff::image
