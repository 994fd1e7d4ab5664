// load: docker-archive and oci-archive files. Everything the archive says
// is read and checked before anything is stored; a load that fails after
// that takes out again what it stored, so a failed load changes nothing.
#include <fcntl.h>
#include <unistd.h>

#include "image_records.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/image/archive_manifest.hpp"
#include "skiff/image/layer.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::engine {

namespace {

// Archive members are named by the archive itself: every path is
// resolved inside the extracted archive (RESOLVE_IN_ROOT), links included.
Result<std::string> read_member(int root, const std::string &rel) {
  auto fd = fs::open_in_root(root, rel, O_RDONLY);
  if (!fd)
    return make_error(Errc::invalid, "the archive has no readable \"{}\"", rel);
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd->get(), buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  if (n < 0)
    return sys_error("reading {} from the archive", rel);
  return out;
}

// One image of the archive, read and checked.
struct Loadable {
  image::ArchiveImage members;
  std::string config_text;
  image::ImageConfig config;
};

Result<std::vector<image::ArchiveImage>> archive_images(const std::string &dir, int root) {
  if (fs::exists(dir + "/manifest.json"))
    return image::read_docker_manifest(TRY(read_member(root, "manifest.json")));
  if (!fs::exists(dir + "/index.json"))
    return make_error(Errc::invalid,
                      "the archive is neither a docker-archive (manifest.json) nor an oci-archive "
                      "(index.json)");
  std::vector<image::ArchiveImage> out;
  std::string index = TRY(read_member(root, "index.json"));
  for (const auto &entry : TRY(image::read_oci_index(index))) {
    std::string manifest = TRY(read_member(root, entry.manifest));
    out.push_back(TRY(image::read_oci_manifest(manifest, entry)));
  }
  return out;
}

Result<std::vector<Loadable>> read_archive(const std::string &dir, int root) {
  std::vector<Loadable> out;
  for (auto &a : TRY(archive_images(dir, root))) {
    std::string text = TRY(read_member(root, a.config));
    if (!a.config_digest.empty() && sha256_digest(text) != a.config_digest)
      return make_error(Errc::invalid, "{}: the content does not match its digest {}", a.config,
                        a.config_digest);
    auto cfg = TRY(image::ImageConfig::parse(text, a.config));
    if (cfg.diff_ids.size() != a.layers.size())
      return make_error(Errc::invalid, "{}: the image config lists {} layers but the archive has {}",
                        a.config, cfg.diff_ids.size(), a.layers.size());
    out.push_back({std::move(a), std::move(text), std::move(cfg)});
  }
  return out;
}

// What this load stored, to be taken out again if it fails.
struct Stored {
  std::vector<std::string> chains;
  std::vector<std::string> blobs;
};

Result<NewImage> store_image(storage::Store &store, int root, const Loadable &l, Stored &stored) {
  const auto &a = l.members;
  NewImage img;
  std::string parent;
  for (size_t i = 0; i < a.layers.size(); i++) {
    const std::string &diff_id = l.config.diff_ids[i];
    std::string chain = storage::chain_id(parent, diff_id);
    if (!store.has_layer(chain)) {
      auto lf = fs::open_in_root(root, a.layers[i], O_RDONLY);
      if (!lf)
        return make_error(Errc::invalid, "the archive has no readable layer \"{}\"", a.layers[i]);
      stored.chains.push_back(chain);
      std::string digest = i < a.layer_digests.size() ? a.layer_digests[i] : "";
      auto rec = store.add_layer(lf->get(), parent, {digest, diff_id});
      if (!rec)
        return std::move(rec).error().wrap(a.layers[i]);
    }
    img.size += TRY(store.read_layer(chain)).size;
    img.chains.push_back(chain);
    parent = chain;
  }
  std::string digest = sha256_digest(l.config_text);
  if (!fs::exists(store.blob_path(digest)))
    stored.blobs.push_back(digest);
  TRY(store.put_blob(l.config_text));
  img.id = TRY(digest_hex(digest));
  img.created = timefmt::parse_rfc3339(l.config.created).value_or(timefmt::now_ns());
  for (const auto &n : a.names)
    img.names.push_back(n.full());
  return img;
}

} // namespace

Result<std::vector<std::string>> Engine::load_images(int fd) {
  std::string tmp = TRY(store_.scratch_dir());
  struct Cleanup {
    std::string dir;
    ~Cleanup() { (void)fs::remove_all(dir); }
  } cleanup{tmp};
  TRY_STATUS(image::extract_archive(fd, tmp));
  UniqueFd root(::open(tmp.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return sys_error("opening {}", tmp);
  auto found = TRY(read_archive(tmp, root.get()));

  Stored stored;
  Status st = [&]() -> Status {
    // Held until the images are recorded, so that gc leaves their layers.
    auto adding = TRY(store_.lock_layer_adds());
    std::vector<NewImage> images;
    for (const auto &l : found)
      images.push_back(TRY(store_image(store_, root.get(), l, stored)));
    return store_.update_images([&](std::vector<storage::ImageRecord> &list) -> Status {
      for (const auto &img : images)
        add_image(list, img);
      return {};
    });
  }();
  if (!st) {
    (void)store_.discard(stored.chains, stored.blobs);
    return std::move(st).error();
  }
  std::vector<std::string> lines;
  for (const auto &l : found) {
    if (l.members.names.empty())
      lines.push_back("Loaded image ID: " + sha256_digest(l.config_text));
    for (const auto &n : l.members.names)
      lines.push_back("Loaded image: " + n.familiar());
  }
  return lines;
}

} // namespace skiff::engine
