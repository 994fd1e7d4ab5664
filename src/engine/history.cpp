#include "skiff/engine/history.hpp"

#include "skiff/util/timefmt.hpp"
#include "store_access.hpp"

namespace skiff::engine {

Result<std::vector<HistoryRow>> history_rows(const image::ImageConfig &cfg, const std::string &image_id,
                                             const std::vector<int64_t> &layer_sizes) {
  std::vector<HistoryRow> rows;
  size_t layer = 0;
  for (const auto &h : cfg.history) {
    HistoryRow r;
    if (!h.empty_layer) {
      if (layer >= cfg.diff_ids.size() || layer >= layer_sizes.size())
        return make_error(Errc::failed, "too many non-empty layers in History section");
      r.size = layer_sizes[layer++];
    }
    if (auto t = timefmt::parse_rfc3339(h.created))
      r.created = *t / 1'000'000'000;
    r.created_by = h.created_by;
    r.comment = h.comment;
    r.id = "<missing>";
    rows.insert(rows.begin(), std::move(r));
  }
  if (!rows.empty())
    rows.front().id = image_id;
  return rows;
}

Result<std::vector<HistoryRow>> image_history(Engine &eng, const storage::ImageRecord &img) {
  auto cfg = TRY(eng.image_config(img));
  std::vector<int64_t> sizes;
  for (const auto &chain : img.layers)
    sizes.push_back(TRY(store_of(eng).read_layer(chain)).size);
  return history_rows(cfg, "sha256:" + img.id, sizes);
}

} // namespace skiff::engine
