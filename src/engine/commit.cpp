// commit: a container's changes as a new layer, and as a new image.
#include <nlohmann/json.hpp>

#include "container_layers.hpp"
#include "image_records.hpp"
#include "skiff/engine/commit.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/storage/layer_stream.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/ids.hpp"
#include "skiff/util/timefmt.hpp"
#include "container_pause.hpp"
#include "store_access.hpp"

namespace skiff::engine {

Result<FileLock> lock_layer_adds(Engine &eng) { return store_of(eng).lock_layer_adds(); }

static Result<NewLayer> add_changes(Engine &eng, const ContainerView &v) {
  NewLayer out;
  out.empty = true;
  if (!v.image.layers.empty())
    out.chain_id = v.image.layers.back();
  auto layers = TRY(open_container_layers(eng, v));
  if (layers.untouched)
    return out;
  auto entries = TRY(image::diff_layers(layers.source()));
  if (entries.empty())
    return out;
  auto rec = TRY(storage::add_layer_stream(store_of(eng), out.chain_id, [&](const image::ByteSink &sink) {
    image::TarWriter w(sink);
    return image::write_diff_tar(layers.top.get(), entries, w);
  }));
  return NewLayer{rec.chain_id, rec.diff_id, rec.size, false};
}

Result<NewLayer> commit_layer(Engine &eng, const std::string &id) {
  auto v = TRY(eng.container(id));
  return add_changes(eng, v);
}

Result<std::string> commit_container(Engine &eng, const std::string &id, const CommitRequest &r) {
  std::string name;
  if (!r.reference.empty())
    name = TRY(image::parse_reference(r.reference)).full();
  auto v = TRY(eng.container(id));
  auto &store = store_of(eng);
  if (v.image.id.empty())
    return make_error(Errc::not_found, "the image of container {} is gone", ids::short_id(v.config.id));
  auto base = eng.image_config(v.image);
  if (!base)
    return std::move(base).error().wrap(
        fmt::format("reading the image of container {}", ids::short_id(v.config.id)));
  // The -c changes are checked before anything is stored.
  TRY(committed_config(*base, v.config, r, "", ""));
  auto adding = TRY(store.lock_layer_adds());
  NewLayer layer;
  {
    auto paused = TRY(pause_for_commit(eng, v, r.pause));
    layer = TRY(add_changes(eng, v));
  }
  int64_t now = timefmt::now_ns();
  auto cfg = TRY(committed_config(*base, v.config, r, timefmt::rfc3339nano(now), layer.diff_id));
  auto digest = TRY(store.put_blob(cfg.to_json().dump()));
  std::string image_id = TRY(digest_hex(digest));
  NewImage img{image_id, v.image.layers, v.image.size + layer.size, now, {}};
  if (!layer.empty)
    img.chains.push_back(layer.chain_id);
  if (!name.empty())
    img.names.push_back(name);
  TRY_STATUS(store.update_images([&](std::vector<storage::ImageRecord> &list) -> Status {
    add_image(list, img);
    return {};
  }));
  return digest;
}

} // namespace skiff::engine
