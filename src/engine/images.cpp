// Images: lookup by name or ID, import of a root filesystem tarball, load
// of docker-archive and oci-archive files, tag and remove.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "skiff/engine/changes.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/engine/pull.hpp"
#include "skiff/image/layer.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::engine {

using nlohmann::json;
using storage::ImageRecord;

Result<ImageRecord> Engine::find_image(std::string_view text) {
  return TRY(lookup_image(text)).image;
}

Result<Engine::FoundImage> Engine::lookup_image(std::string_view text) {
  auto images = TRY(store_.images());
  for (const auto &ref : TRY(local_names(text))) {
    std::string full = ref.full();
    for (const auto &img : images)
      if (std::find(img.names.begin(), img.names.end(), full) != img.names.end())
        return FoundImage{img, full};
    // "name@sha256:..." finds a pulled image by its repo digest.
    std::string by_digest = ref.repository() + "@" + ref.digest;
    for (const auto &img : images)
      if (!ref.digest.empty() &&
          std::find(img.digests.begin(), img.digests.end(), by_digest) != img.digests.end())
        return FoundImage{img, ""};
  }
  std::string_view id = text;
  if (id.rfind("sha256:", 0) == 0)
    id.remove_prefix(7);
  if (is_hex(id)) {
    const ImageRecord *found = nullptr;
    for (const auto &img : images)
      if (img.id.rfind(id, 0) == 0) {
        if (found && found->id != img.id)
          return make_error(Errc::invalid, "image ID prefix \"{}\" is ambiguous", text);
        found = &img;
      }
    if (found)
      return FoundImage{*found, ""};
  }
  return Error{Errc::not_found, fmt::format("image \"{}\" not found (load or import it first)", text),
               kExitRuntime};
}

Result<image::ImageConfig> Engine::image_config(const ImageRecord &img) {
  auto text = TRY(store_.read_blob("sha256:" + img.id));
  return image::ImageConfig::parse(text);
}

// Adds `name` to image `id` in the index, taking it from any other image.
static void assign_name(std::vector<ImageRecord> &list, const std::string &id,
                        const std::string &name) {
  for (auto &img : list)
    std::erase(img.names, name);
  for (auto &img : list)
    if (img.id == id)
      img.names.push_back(name);
}

// Records an image whose config blob and layers are already stored.
static Status register_image(storage::Store &store, const std::string &id,
                             const std::vector<std::string> &chains, int64_t size, int64_t created,
                             const std::vector<std::string> &names) {
  return store.update_images([&](std::vector<ImageRecord> &list) -> Status {
    auto it = std::find_if(list.begin(), list.end(), [&](const auto &i) { return i.id == id; });
    if (it == list.end()) {
      ImageRecord r;
      r.id = id;
      r.layers = chains;
      r.size = size;
      r.created = created;
      list.push_back(r);
    }
    for (const auto &n : names)
      assign_name(list, id, n);
    return {};
  });
}

Result<std::string> Engine::import_image(int fd, const std::string &tag,
                                         const std::vector<std::string> &changes,
                                         const std::string &message) {
  std::string name;
  if (!tag.empty())
    name = TRY(image::parse_reference(tag)).full();
  image::ImageConfig cfg;
  cfg.architecture = image::host_architecture();
  cfg.os = "linux";
  for (const auto &c : changes)
    TRY_STATUS(apply_change(cfg.config, c));
  auto adding = TRY(store_.lock_layer_adds());
  auto layer = TRY(store_.add_layer(fd, ""));
  int64_t now = timefmt::now_ns();
  cfg.created = timefmt::rfc3339nano(now);
  cfg.diff_ids = {layer.diff_id};
  std::string comment = message.empty() ? "Imported from -" : message;
  cfg.history.push_back({cfg.created, "", comment, false});
  cfg.extra["comment"] = comment;
  auto digest = TRY(store_.put_blob(cfg.to_json().dump()));
  std::string id = TRY(digest_hex(digest));
  TRY_STATUS(register_image(store_, id, {layer.chain_id}, layer.size, now,
                            name.empty() ? std::vector<std::string>{} : std::vector{name}));
  return digest;
}

namespace {

struct ArchiveImage {
  std::string config_path;
  std::vector<std::string> layer_paths;
  std::vector<std::string> names;
};

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

Result<json> read_json(int root, const std::string &rel) {
  auto text = TRY(read_member(root, rel));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded())
    return make_error(Errc::invalid, "{} in the archive is not valid JSON", rel);
  return j;
}

Result<std::vector<ArchiveImage>> docker_archive(int root) {
  auto manifest = TRY(read_json(root, "manifest.json"));
  std::vector<ArchiveImage> out;
  if (!manifest.is_array())
    return make_error(Errc::invalid, "manifest.json is not a list");
  for (const auto &m : manifest) {
    ArchiveImage a;
    a.config_path = m.value("Config", "");
    for (const auto &l : m.value("Layers", json::array()))
      a.layer_paths.push_back(l.get<std::string>());
    for (const auto &t : m.value("RepoTags", json::array()))
      if (t.is_string())
        a.names.push_back(t.get<std::string>());
    out.push_back(std::move(a));
  }
  return out;
}

std::string blob_member(const std::string &digest) {
  return "blobs/sha256/" + digest_hex(digest).value_or("invalid");
}

Result<std::vector<ArchiveImage>> oci_archive(int root) {
  auto index = TRY(read_json(root, "index.json"));
  std::vector<ArchiveImage> out;
  for (const auto &d : index.value("manifests", json::array())) {
    auto manifest = TRY(read_json(root, blob_member(d.value("digest", ""))));
    if (manifest.contains("manifests"))
      return make_error(Errc::invalid, "multi-platform OCI indexes in archives are not supported yet");
    ArchiveImage a;
    a.config_path = blob_member(manifest["config"].value("digest", ""));
    for (const auto &l : manifest.value("layers", json::array()))
      a.layer_paths.push_back(blob_member(l.value("digest", "")));
    auto ann = d.value("annotations", json::object());
    std::string name = ann.value("io.containerd.image.name", "");
    std::string refname = ann.value("org.opencontainers.image.ref.name", "");
    // A bare tag ("latest") names no repository: only a full reference counts.
    if (name.empty() && refname.find('/') != std::string::npos)
      name = refname;
    if (!name.empty())
      a.names.push_back(name);
    out.push_back(std::move(a));
  }
  return out;
}

} // namespace

Result<std::vector<std::string>> Engine::load_images(int fd) {
  std::string tmp = TRY(store_.scratch_dir());
  struct Cleanup {
    std::string dir;
    ~Cleanup() { (void)fs::remove_all(dir); }
  } cleanup{tmp};
  if (auto s = image::extract_archive(fd, tmp); !s)
    return std::move(s).error().wrap("reading the archive");
  UniqueFd root(::open(tmp.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return sys_error("opening {}", tmp);
  std::vector<ArchiveImage> found;
  if (fs::exists(tmp + "/manifest.json"))
    found = TRY(docker_archive(root.get()));
  else if (fs::exists(tmp + "/index.json"))
    found = TRY(oci_archive(root.get()));
  else
    return make_error(Errc::invalid,
                      "the archive is neither a docker-archive (manifest.json) nor an oci-archive "
                      "(index.json)");
  auto adding = TRY(store_.lock_layer_adds());
  std::vector<std::string> lines;
  for (const auto &a : found) {
    auto config_text = TRY(read_member(root.get(), a.config_path));
    auto cfg = TRY(image::ImageConfig::parse(config_text));
    if (cfg.diff_ids.size() != a.layer_paths.size())
      return make_error(Errc::invalid, "image config lists {} layers but the archive has {}",
                        cfg.diff_ids.size(), a.layer_paths.size());
    std::vector<std::string> chains;
    std::string parent;
    int64_t size = 0;
    for (size_t i = 0; i < a.layer_paths.size(); i++) {
      std::string chain = storage::chain_id(parent, cfg.diff_ids[i]);
      if (!store_.has_layer(chain)) {
        auto lf = fs::open_in_root(root.get(), a.layer_paths[i], O_RDONLY);
        if (!lf)
          return make_error(Errc::invalid, "the archive has no readable layer \"{}\"", a.layer_paths[i]);
        auto rec = TRY(store_.add_layer(lf->get(), parent));
        if (rec.diff_id != cfg.diff_ids[i]) {
          // Nothing references the layer just stored: take it out again.
          (void)store_.remove_layer(rec.chain_id);
          return make_error(Errc::invalid,
                            "layer {} has content {} but the image config expects {}", i + 1,
                            rec.diff_id, cfg.diff_ids[i]);
        }
      }
      size += TRY(store_.read_layer(chain)).size;
      chains.push_back(chain);
      parent = chain;
    }
    auto digest = TRY(store_.put_blob(config_text));
    std::string id = TRY(digest_hex(digest));
    std::vector<std::string> names;
    for (const auto &n : a.names)
      names.push_back(TRY(image::parse_reference(n)).full());
    int64_t created = timefmt::parse_rfc3339(cfg.created).value_or(timefmt::now_ns());
    TRY_STATUS(register_image(store_, id, chains, size, created, names));
    if (a.names.empty())
      lines.push_back("Loaded image ID: " + digest);
    for (const auto &n : a.names)
      lines.push_back("Loaded image: " + TRY(image::parse_reference(n)).familiar());
  }
  return lines;
}

Status Engine::tag_image(std::string_view source, std::string_view target) {
  auto img = TRY(find_image(source));
  auto ref = TRY(image::parse_reference(target));
  return store_.update_images([&](std::vector<ImageRecord> &list) -> Status {
    assign_name(list, img.id, ref.full());
    return {};
  });
}

Result<std::vector<std::string>> Engine::remove_image(std::string_view text, bool force) {
  auto [img, by_name] = TRY(lookup_image(text));
  std::vector<std::string> lines;
  // Removing one of several names only untags.
  if (!by_name.empty() && img.names.size() > 1) {
    TRY_STATUS(store_.update_images([&](std::vector<ImageRecord> &list) -> Status {
      for (auto &i : list)
        if (i.id == img.id)
          std::erase(i.names, by_name);
      return {};
    }));
    return std::vector<std::string>{"Untagged: " + TRY(image::parse_reference(by_name)).familiar()};
  }
  if (by_name.empty() && img.names.size() > 1 && !force)
    return make_error(Errc::conflict,
                      "conflict: unable to delete {} (must be forced) - image is referenced in "
                      "multiple repositories",
                      img.id.substr(0, 12));
  std::string user;
  for (const auto &c : TRY(containers())) {
    if (c.config.image_id != img.id)
      continue;
    if (c.state.status == storage::RunStatus::running || c.state.status == storage::RunStatus::restarting)
      return make_error(Errc::conflict,
                        "conflict: unable to delete {} (cannot be forced) - image is being used by "
                        "running container {}",
                        img.id.substr(0, 12), ids::short_id(c.config.id));
    if (user.empty())
      user = c.config.id;
  }
  if (!user.empty()) {
    if (!force)
      return make_error(Errc::conflict,
                        "conflict: unable to remove repository reference \"{}\" (must force) - "
                        "container {} is using its referenced image {}",
                        text, ids::short_id(user), img.id.substr(0, 12));
    // Forced while stopped containers use it: untag, keep the content.
    TRY_STATUS(store_.update_images([&](std::vector<ImageRecord> &list) -> Status {
      for (auto &i : list)
        if (i.id == img.id)
          i.names.clear();
      return {};
    }));
    for (const auto &n : img.names)
      lines.push_back("Untagged: " + TRY(image::parse_reference(n)).familiar());
    return lines;
  }
  TRY(store_.remove_images([&](const ImageRecord &i) -> Result<bool> { return i.id == img.id; }));
  for (const auto &n : img.names)
    lines.push_back("Untagged: " + TRY(image::parse_reference(n)).familiar());
  lines.push_back("Deleted: sha256:" + img.id);
  return lines;
}

} // namespace skiff::engine
