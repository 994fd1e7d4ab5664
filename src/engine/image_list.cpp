#include "skiff/engine/image_list.hpp"

#include <algorithm>
#include <set>

#include "skiff/util/fs.hpp"
#include "store_access.hpp"

namespace skiff::engine {

using storage::ImageRecord;

namespace {

// The config's labels, read only when a filter asks about labels.
Result<std::map<std::string, std::string>> labels_of(Engine &eng, const ImageRecord &img, const ImageFilter &f) {
  if (f.labels.empty() && f.not_labels.empty())
    return std::map<std::string, std::string>{};
  return TRY(eng.image_config(img)).config.labels;
}

Result<int64_t> created_of(Engine &eng, const std::optional<std::string> &name) {
  return TRY(eng.find_image(*name)).created;
}

} // namespace

Result<std::vector<ListedImage>> list_images(Engine &eng, const ImageFilter &f) {
  auto images = TRY(store_of(eng).images());
  std::optional<int64_t> before, since;
  if (f.before)
    before = TRY(created_of(eng, f.before));
  if (f.since)
    since = TRY(created_of(eng, f.since));
  std::sort(images.begin(), images.end(), [](const auto &x, const auto &y) { return x.created > y.created; });
  std::vector<ListedImage> out;
  for (const auto &img : images) {
    if ((before && img.created >= *before) || (since && img.created <= *since))
      continue;
    if (!f.keeps(TRY(labels_of(eng, img, f)), img.created, !img.names.empty()))
      continue;
    ListedImage l{img, {}};
    for (const auto &n : img.names) {
      auto ref = image::parse_reference(n);
      if (!ref)
        continue;
      bool keep = f.references.empty();
      for (const auto &p : f.references)
        keep = keep || TRY(reference_matches(p, *ref));
      if (keep)
        l.names.push_back(n);
    }
    if (!f.references.empty() && l.names.empty())
      continue;
    out.push_back(std::move(l));
  }
  return out;
}

Result<PruneReport> prune_images(Engine &eng, const ImageFilter &f) {
  auto &store = store_of(eng);
  std::set<std::string> used;
  for (const auto &c : TRY(eng.containers()))
    used.insert(c.config.image_id);
  bool dangling_only = f.dangling.value_or(true);
  ImageFilter rest = f;
  rest.dangling.reset();
  auto unused = [&](const ImageRecord &img) -> Result<bool> {
    return !used.count(img.id) && (!dangling_only || img.names.empty()) &&
           rest.keeps(TRY(labels_of(eng, img, f)), img.created, !img.names.empty());
  };
  auto removed = TRY(store.remove_images(unused));
  auto &gone = removed.images;
  std::sort(gone.begin(), gone.end(), [](const auto &x, const auto &y) { return x.created > y.created; });
  PruneReport r;
  for (const auto &img : gone) {
    for (const auto &n : img.names)
      if (auto ref = image::parse_reference(n))
        r.lines.push_back("untagged: " + ref->familiar());
    r.lines.push_back("deleted: sha256:" + img.id);
  }
  // Also when no image went: layers a killed pull or load stored for an
  // image it never recorded were freed.
  r.reclaimed = removed.freed;
  return r;
}

} // namespace skiff::engine
