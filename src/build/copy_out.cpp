// Entries of the copy's layer and the directories above them.
#include "copy_out.hpp"

#include "copy_resolve.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::build {

std::string tar_name(const std::string &abs) { return abs.substr(1); }

Result<mode_t> LayerOut::type_at(const std::string &abs) {
  if (abs == "/")
    return mode_t(S_IFDIR);
  if (auto it = written_.find(abs); it != written_.end())
    return it->second;
  auto st = TRY(lstat_in_root(root_, abs));
  return st ? mode_t(st->st_mode & S_IFMT) : mode_t(0);
}

Status LayerOut::ensure_dir(const std::string &abs, std::optional<int64_t> mtime) {
  if (abs == "/")
    return {};
  std::string parent = fs::dirname(abs);
  TRY_STATUS(ensure_dir(parent));
  if (written_.count(abs)) {
    if (written_[abs] != S_IFDIR)
      return make_error(Errc::failed, "mkdir {}: not a directory", abs);
    return {};
  }
  image::TarHeader h;
  h.name = tar_name(abs);
  h.type = S_IFDIR;
  auto st = TRY(lstat_in_root(root_, abs));
  if (st) {
    if (!S_ISDIR(st->st_mode))
      return make_error(Errc::failed, "mkdir {}: not a directory", abs);
    h.perm = st->st_mode & 07777;
    h.uid = st->st_uid;
    h.gid = st->st_gid;
    h.mtime = st->st_mtime;
  } else {
    // fsutil's MkdirAll: the --chmod mode (its permission bits) else 0755.
    h.perm = r_.chmod ? *r_.chmod & 0777 : 0755;
    h.uid = r_.uid.value_or(0);
    h.gid = r_.gid.value_or(0);
    h.mtime = r_.mtime;
  }
  if (mtime)
    h.mtime = *mtime;
  return entry(abs, std::move(h));
}

Status LayerOut::entry(const std::string &abs, image::TarHeader h) {
  if (h.type != S_IFDIR) {
    // fsutil refuses to put a file where a directory is.
    if (TRY(type_at(abs)) == S_IFDIR)
      return make_error(Errc::failed, "cannot replace to directory {} with file", abs);
  }
  h.name = tar_name(abs);
  written_[abs] = h.hardlink ? mode_t(S_IFREG) : h.type;
  return w_.header(h);
}

int64_t LayerOut::uid(const struct stat &st, bool keep) const {
  return r_.uid ? *r_.uid : keep ? st.st_uid : 0;
}

int64_t LayerOut::gid(const struct stat &st, bool keep) const {
  return r_.gid ? *r_.gid : keep ? st.st_gid : 0;
}

mode_t LayerOut::perm(const struct stat &st) const {
  return r_.chmod ? *r_.chmod & 07777 : st.st_mode & 07777;
}

} // namespace skiff::build
