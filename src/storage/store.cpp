#include "skiff/storage/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include <nlohmann/json.hpp>

#include "drivers.hpp"
#include "skiff/image/layer.hpp"
#include "skiff/storage/build_cache.hpp"
#include "skiff/storage/temp_dirs.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::storage {

using nlohmann::json;

std::string chain_id(const std::string &parent, const std::string &diff_id) {
  if (parent.empty())
    return digest_hex(diff_id).value_or(diff_id);
  return sha256_hex("sha256:" + parent + " " + diff_id);
}

Result<Store> Store::open(const std::string &root, const std::string &runroot,
                          std::optional<DriverKind> driver) {
  Store s;
  s.root_ = root;
  s.runroot_ = runroot;
  for (const char *d : {"blobs/sha256", "layers", "containers", "names", "volumes"})
    TRY_STATUS(fs::mkdir_p(root + "/" + d, 0700));
  TRY_STATUS(fs::mkdir_p(runroot + "/containers", 0700));
  std::string driver_file = root + "/driver";
  std::string recorded(str::trim(fs::read_file(driver_file).value_or("")));
  if (!recorded.empty()) {
    auto kind = parse_driver(recorded);
    if (!kind)
      return make_error(Errc::failed, "{} names an unknown storage driver \"{}\"", driver_file, recorded);
    if (driver && *driver != *kind)
      return make_error(Errc::invalid,
                        "the store at {} uses the {} driver: use --storage-driver {} or another --root",
                        root, driver_name(*kind), driver_name(*kind));
    s.driver_ = *kind;
    return s;
  }
  // Mounting can only be tried as root or inside the user's namespace;
  // elsewhere (a rootless ps) nothing is recorded yet.
  bool can_test = ::geteuid() == 0;
  if (can_test && driver == DriverKind::fuse_overlayfs && !detail::fuse_overlayfs_usable())
    return make_error(Errc::failed,
                      "the fuse-overlayfs driver needs the fuse-overlayfs program (Debian package "
                      "fuse-overlayfs) and read-write access to /dev/fuse");
  s.driver_ = driver ? *driver : can_test ? detail::probe_driver(root) : DriverKind::overlay;
  if (can_test)
    TRY_STATUS(fs::write_file_atomic(driver_file, std::string(driver_name(s.driver_)) + "\n", true, 0600));
  return s;
}

std::string Store::blob_path(const std::string &digest) const {
  return root_ + "/blobs/sha256/" + digest_hex(digest).value_or("invalid");
}

Result<std::string> Store::put_blob(std::string_view data) {
  std::string d = sha256_digest(data);
  std::string p = blob_path(d);
  if (!fs::exists(p))
    TRY_STATUS(fs::write_file_atomic(p, data, true, 0644));
  return d;
}

Result<std::string> Store::read_blob(const std::string &digest) const {
  TRY(digest_hex(digest));
  auto data = TRY(fs::read_file(blob_path(digest)));
  if (sha256_digest(data) != digest)
    return make_error(Errc::failed, "blob {} is corrupt: its content does not match its digest",
                      digest);
  return data;
}

std::string Store::layer_dir(const std::string &chain) const { return root_ + "/layers/" + chain; }

bool Store::has_layer(const std::string &chain) const {
  return fs::exists(layer_dir(chain) + "/layer.json");
}

Result<LayerRecord> Store::read_layer(const std::string &chain) const {
  std::string path = layer_dir(chain) + "/layer.json";
  return parse_layer_record(TRY(fs::read_file(path)), chain, path);
}

static constexpr std::string_view kLayerTemp = ".tmp-";

Result<LayerRecord> Store::add_layer(int fd, const std::string &parent, const LayerExpect &expect) {
  // Extract beside the final place, then rename: a crash leaves only a
  // .tmp- directory, swept by the next add or gc, never a half layer
  // under its ID.
  std::string layers = root_ + "/layers";
  sweep_temps(layers, kLayerTemp);
  std::string tmp = temp_path(layers, kLayerTemp);
  TRY_STATUS(fs::mkdir_p(tmp + "/diff", 0755));
  auto cleanup = [&] { (void)fs::remove_all(tmp); };
  UniqueFd dir(::open((tmp + "/diff").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) {
    cleanup();
    return sys_error("opening {}", tmp);
  }
  // The tar's layout, so that save can write the very same tar again.
  UniqueFd split(::open((tmp + "/tar-split").c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!split) {
    cleanup();
    return sys_error("creating {}/tar-split", tmp);
  }
  image::LayerApplyOptions opts;
  opts.overlay_whiteouts = true;
  opts.userxattr = sys::in_user_namespace();
  opts.tar_split_fd = split.get();
  auto info = image::apply_layer(fd, dir.get(), opts);
  if (!info) {
    cleanup();
    return std::move(info).error();
  }
  for (auto [what, want, got] : {std::tuple{"digest", &expect.digest, &info->digest},
                                 std::tuple{"uncompressed digest (diff ID)", &expect.diff_id, &info->diff_id}})
    if (!want->empty() && *want != *got) {
      cleanup();
      return make_error(Errc::failed, "layer {}: {} mismatch: the content has {}",
                        expect.digest.empty() ? *want : expect.digest, what, *got);
    }
  LayerRecord rec{chain_id(parent, info->diff_id), info->diff_id, parent, info->digest,
                  static_cast<int64_t>(info->size)};
  if (auto s = fs::write_file(tmp + "/layer.json", rec.to_json().dump()); !s) {
    cleanup();
    return std::move(s).error();
  }
  ::syncfs(dir.get());
  std::string final_dir = layer_dir(rec.chain_id);
  if (::rename(tmp.c_str(), final_dir.c_str()) < 0) {
    int e = errno;
    cleanup();
    if (e != EEXIST && e != ENOTEMPTY) {
      errno = e;
      return sys_error("storing layer {}", rec.chain_id);
    }
  }
  return rec;
}

static std::string images_lock(const std::string &root) { return root + "/images.lock"; }

Result<std::vector<ImageRecord>> Store::images() const {
  std::string p = root_ + "/images.json";
  if (!fs::exists(p))
    return std::vector<ImageRecord>{};
  std::string text = TRY(fs::read_file(p));
  auto all = TRY(parse_image_index(text, p));
  // A record whose config blob is gone was being removed (see remove_images).
  std::vector<ImageRecord> out;
  for (auto &r : all)
    if (fs::exists(blob_path("sha256:" + r.id)))
      out.push_back(std::move(r));
  return out;
}

Status Store::update_images(const std::function<Status(std::vector<ImageRecord> &)> &change) {
  auto lock = TRY(FileLock::acquire(images_lock(root_)));
  remove_file_temps(root_ + "/images.json");  // a killed writer's
  auto list = TRY(images());
  TRY_STATUS(change(list));
  json j = json::array();
  for (const auto &r : list)
    j.push_back(r.to_json());
  return fs::write_file_atomic(root_ + "/images.json", j.dump(1), true, 0600);
}

Result<Store::RemovedImages> Store::remove_images(
    const std::function<Result<bool>(const ImageRecord &)> &which) {
  RemovedImages out;
  {
    auto lock = TRY(FileLock::acquire(images_lock(root_)));
    for (auto &img : TRY(images())) {
      if (!TRY(which(img)))
        continue;
      if (::unlink(blob_path("sha256:" + img.id).c_str()) < 0 && errno != ENOENT)
        return sys_error("removing image {}", img.id);
      out.images.push_back(std::move(img));
    }
  }
  out.freed = TRY(gc_layers(&out.layers));
  // The records left behind are skipped already; an index that cannot be
  // rewritten now is tidied by the next change.
  (void)update_images([](std::vector<ImageRecord> &) -> Status { return {}; });
  return out;
}

Result<FileLock> Store::lock_layer_adds() const {
  return FileLock::acquire(root_ + "/layers.lock", FileLock::Mode::shared);
}

// The layers containers keep for themselves once their image was deleted,
// and those the build cache keeps.
Result<std::vector<std::string>> Store::pinned_layers() const {
  std::vector<std::string> out;
  for (const auto &e : TRY(build_cache_entries(*this)))
    out.insert(out.end(), e.layers.begin(), e.layers.end());
  for (const auto &id : TRY(container_ids())) {
    auto text = fs::read_file(container_dir(id) + "/config.json");
    if (!text)
      continue;  // removed meanwhile, or not yet written
    // A config that does not parse is a container nothing can start.
    if (auto c = ContainerConfig::parse(*text, id))
      out.insert(out.end(), c->image_layers.begin(), c->image_layers.end());
  }
  return out;
}

Result<uint64_t> Store::gc_layers(std::vector<std::string> *removed) {
  auto adds = TRY(FileLock::acquire(root_ + "/layers.lock"));
  auto lock = TRY(FileLock::acquire(images_lock(root_)));
  auto list = TRY(images());
  std::vector<std::string> keep = TRY(pinned_layers());
  for (const auto &img : list)
    keep.insert(keep.end(), img.layers.begin(), img.layers.end());
  sweep_temps(root_ + "/layers", kLayerTemp);
  sweep_temps(root_ + "/tmp", "");
  remove_file_temps(root_ + "/images.json");
  sweep_file_temps(root_);
  sweep_file_temps(root_ + "/blobs/sha256");
  sweep_file_temps(build_cache_dir(*this));
  uint64_t freed = 0;
  for (const auto &n : TRY(fs::list_dir(root_ + "/layers"))) {
    if (n.starts_with(kLayerTemp) || std::find(keep.begin(), keep.end(), n) != keep.end())
      continue;
    auto rec = read_layer(n);
    TRY_STATUS(remove_layer(n));
    freed += rec ? static_cast<uint64_t>(rec->size) : 0;
    if (removed)
      removed->push_back(n);
  }
  if (!fs::exists(root_ + "/blob-info.json"))
    return freed;
  std::set<std::string> diff_ids;
  for (const auto &chain : keep)
    if (auto rec = read_layer(chain))
      diff_ids.insert(rec->diff_id);
  // A cache: on a full disk it is left for a later gc rather than failing
  // a removal that has freed the space.
  (void)update_blob_infos([&](std::vector<BlobInfo> &infos) { prune_blob_infos(infos, diff_ids); });
  return freed;
}

Status Store::discard(const std::vector<std::string> &chains, const std::vector<std::string> &blobs) {
  if (chains.empty() && blobs.empty())
    return {};
  auto adds = TRY(FileLock::acquire(root_ + "/layers.lock"));
  auto lock = TRY(FileLock::acquire(images_lock(root_)));
  std::set<std::string> used_configs;
  auto pinned = TRY(pinned_layers());
  std::set<std::string> used_layers(pinned.begin(), pinned.end());
  for (const auto &img : TRY(images())) {
    used_layers.insert(img.layers.begin(), img.layers.end());
    used_configs.insert("sha256:" + img.id);
  }
  for (const auto &chain : chains)
    if (!used_layers.count(chain))
      TRY_STATUS(remove_layer(chain));
  for (const auto &digest : blobs)
    if (!used_configs.count(digest))
      TRY_STATUS(fs::remove_all(blob_path(digest)));
  return {};
}

Result<std::vector<BlobInfo>> Store::blob_infos() const {
  std::string p = root_ + "/blob-info.json";
  if (!fs::exists(p))
    return std::vector<BlobInfo>{};
  auto text = TRY(fs::read_file(p));
  return blob_infos_from_json(json::parse(text, nullptr, false));
}

Status Store::update_blob_infos(const std::function<void(std::vector<BlobInfo> &)> &change) {
  auto lock = TRY(FileLock::acquire(root_ + "/blob-info.lock"));
  remove_file_temps(root_ + "/blob-info.json");
  auto infos = TRY(blob_infos());
  change(infos);
  // Not fsynced: losing the newest entries costs an upload, nothing more.
  return fs::write_file_atomic(root_ + "/blob-info.json", blob_infos_to_json(infos).dump(), false,
                               0600);
}

Status Store::remove_layer(const std::string &chain) {
  // Renamed away first: has_layer and a racing add must never find a
  // layer directory that lost some of its files.
  return remove_tree(layer_dir(chain), root_ + "/layers", kLayerTemp);
}

Result<std::string> Store::scratch_dir() {
  std::string dir = root_ + "/tmp";
  TRY_STATUS(fs::mkdir_p(dir, 0700));
  sweep_temps(dir, "");
  std::string path = temp_path(dir, "");
  TRY_STATUS(fs::mkdir_p(path, 0700));
  return path;
}

std::string Store::container_dir(const std::string &id) const { return root_ + "/containers/" + id; }
std::string Store::container_log_path(const std::string &id) const {
  std::string dir = container_dir(id);
  if (fs::exists(dir + "/ctr.log"))
    return dir + "/ctr.log";
  return dir + "/" + id + "-json.log";
}
std::string Store::container_run_dir(const std::string &id) const {
  return runroot_ + "/containers/" + id;
}

Result<FileLock> Store::lock_containers() const {
  return FileLock::acquire(root_ + "/containers.lock");
}

Result<FileLock> Store::lock_container(const std::string &id) const {
  return FileLock::acquire(container_dir(id) + "/lock");
}

Result<std::vector<std::string>> Store::container_ids() const {
  auto names = TRY(fs::list_dir(root_ + "/containers"));
  std::vector<std::string> out;
  for (auto &n : names)
    if (n.size() == 64)
      out.push_back(std::move(n));
  return out;
}

Result<ContainerRecord> Store::read_container(const std::string &id) const {
  std::string path = container_dir(id) + "/config.json";
  auto text = fs::read_file(path);
  if (!text)
    return make_error(Errc::not_found, "No such container: {}", id);
  ContainerRecord r{TRY(ContainerConfig::parse(*text, path)), {}};
  r.state = TRY(read_state(id));
  return r;
}

Result<ContainerState> Store::read_state(const std::string &id) const {
  std::string path = container_dir(id) + "/state.json";
  auto text = fs::read_file(path);
  if (!text)
    return ContainerState{};
  auto s = TRY(ContainerState::parse(*text, path));
  apply_recorded_exit(container_dir(id), s);
  return s;
}

Status Store::write_state(const std::string &id, const ContainerState &s) const {
  return fs::write_file_atomic(container_dir(id) + "/state.json", s.to_json().dump(), false, 0600);
}

Status Store::write_config(const ContainerConfig &c, bool durable) const {
  // Renamed into place but not fsynced unless asked: a process crash
  // cannot tear it, and on power loss a container created a moment before
  // may be lost, which is cheaper than two fsyncs on every run.
  return fs::write_file_atomic(container_dir(c.id) + "/config.json", c.to_json().dump(), durable,
                               0600);
}

Status Store::claim_name(const std::string &name, const std::string &id) const {
  std::string p = root_ + "/names/" + name;
  if (::symlink(id.c_str(), p.c_str()) == 0)
    return {};
  if (errno == EEXIST) {
    // A name left behind by a container that no longer exists is free.
    auto owner = id_for_name(name);
    if (owner && !fs::exists(container_dir(*owner) + "/config.json")) {
      ::unlink(p.c_str());
      if (::symlink(id.c_str(), p.c_str()) == 0)
        return {};
    }
    return name_in_use(name, owner.value_or("another container"));
  }
  return sys_error("claiming name {}", name);
}

Error Store::name_in_use(const std::string &name, const std::string &owner) {
  return make_error(Errc::exists,
                    "Conflict. The container name \"/{}\" is already in use by container \"{}\". You "
                    "have to remove (or rename) that container to be able to reuse that name.",
                    name, owner);
}

Status Store::release_name(const std::string &name) const {
  std::string p = root_ + "/names/" + name;
  if (::unlink(p.c_str()) < 0 && errno != ENOENT)
    return sys_error("releasing name {}", name);
  return {};
}

std::optional<std::string> Store::id_for_name(const std::string &name) const {
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
    return std::nullopt;
  char buf[128];
  std::string p = root_ + "/names/" + name;
  ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
  if (n <= 0)
    return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

std::string Store::volume_dir(const std::string &name) const { return root_ + "/volumes/" + name; }

Result<FileLock> Store::lock_volumes() const { return FileLock::acquire(root_ + "/volumes.lock"); }

} // namespace skiff::storage
