// Images: lookup by name or ID, import of a root filesystem tarball, tag
// and remove.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "image_records.hpp"
#include "skiff/engine/changes.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/engine/image_removal.hpp"
#include "skiff/engine/pull.hpp"
#include "skiff/image/layer.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::engine {

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
  // Neither a name nor an ID: Docker's "invalid reference format".
  auto ref = image::parse_reference(text);
  if (!ref)
    return std::move(ref).error();
  // Docker's words, which scripts grep for (moby daemon/images errors.go,
  // ErrImageDoesNotExist): the reference in its familiar form, so
  // "nosuch" is "nosuch:latest".
  return make_error(Errc::not_found, "No such image: {}", ref->familiar());
}

Result<image::ImageConfig> Engine::image_config(const ImageRecord &img) {
  std::string digest = "sha256:" + img.id;
  auto text = TRY(store_.read_blob(digest));
  return image::ImageConfig::parse(text, store_.blob_path(digest));
}

void assign_name(std::vector<ImageRecord> &list, const std::string &id, const std::string &name) {
  for (auto &img : list)
    std::erase(img.names, name);
  for (auto &img : list)
    if (img.id == id)
      img.names.push_back(name);
}

void add_image(std::vector<ImageRecord> &list, const NewImage &img) {
  if (std::none_of(list.begin(), list.end(), [&](const auto &i) { return i.id == img.id; })) {
    ImageRecord r;
    r.id = img.id;
    r.layers = img.chains;
    r.size = img.size;
    r.created = img.created;
    list.push_back(std::move(r));
  }
  for (const auto &n : img.names)
    assign_name(list, img.id, n);
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
  cfg.comment = comment;
  auto digest = TRY(store_.put_blob(cfg.to_json().dump()));
  std::string id = TRY(digest_hex(digest));
  NewImage img{id, {layer.chain_id}, layer.size, now, {}};
  if (!name.empty())
    img.names.push_back(name);
  TRY_STATUS(store_.update_images([&](std::vector<ImageRecord> &list) -> Status {
    add_image(list, img);
    return {};
  }));
  return digest;
}

Status Engine::tag_image(std::string_view source, std::string_view target) {
  // docker/cli's client.ImageTag checks both names' words before asking
  // the daemon for the source.
  for (auto name : {source, target})
    if (auto r = image::parse_reference(name); !r)
      return std::move(r).error().wrap(
          fmt::format("Error parsing reference: \"{}\" is not a valid repository/tag", name));
  auto ref = image::parse_reference(target);
  auto img = TRY(find_image(source));
  return store_.update_images([&](std::vector<ImageRecord> &list) -> Status {
    assign_name(list, img.id, ref->full());
    return {};
  });
}

Result<std::vector<std::string>> Engine::remove_image(std::string_view text, bool force) {
  auto [img, by_name] = TRY(lookup_image(text));
  ImageRemovalInput in{std::string(text), !by_name.empty(), img.names.size(), img.id, {}, force};
  std::vector<ContainerView> stopped;
  for (auto &c : TRY(containers())) {
    if (c.config.image_id != img.id)
      continue;
    bool running = c.state.status == storage::RunStatus::running ||
                   c.state.status == storage::RunStatus::paused ||
                   c.state.status == storage::RunStatus::restarting;
    in.users.push_back({c.config.id, running});
    if (!running)
      stopped.push_back(std::move(c));
  }
  auto plan = TRY(plan_image_removal(in));
  if (plan == ImageRemoval::untag) {
    TRY_STATUS(store_.update_images([&](std::vector<ImageRecord> &list) -> Status {
      for (auto &i : list)
        if (i.id == img.id)
          std::erase(i.names, by_name);
      return {};
    }));
    return std::vector<std::string>{"Untagged: " + TRY(image::parse_reference(by_name)).familiar()};
  }
  // The stopped containers keep the layers, as Docker's keep theirs: each
  // records them (durably, as nothing else will) before the image goes.
  for (auto &c : stopped) {
    if (!c.config.image_layers.empty())
      continue;
    c.config.image_layers = img.layers;
    c.config.image_size = img.size;
    TRY_STATUS(store_.write_config(c.config, true));
  }
  auto removed = TRY(store_.remove_images([&](const ImageRecord &i) -> Result<bool> { return i.id == img.id; }));
  std::vector<std::string> lines;
  for (const auto &n : img.names)
    lines.push_back("Untagged: " + TRY(image::parse_reference(n)).familiar());
  lines.push_back("Deleted: sha256:" + img.id);
  // Then each layer that went with it, top first, as Docker lists them.
  for (auto l = img.layers.rbegin(); l != img.layers.rend(); ++l)
    if (std::find(removed.layers.begin(), removed.layers.end(), *l) != removed.layers.end())
      lines.push_back("Deleted: sha256:" + *l);
  return lines;
}

} // namespace skiff::engine
