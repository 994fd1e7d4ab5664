#include "skiff/storage/blob_info.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "skiff/util/digest.hpp"

namespace skiff::storage {

using nlohmann::json;

json blob_infos_to_json(const std::vector<BlobInfo> &infos) {
  json out = json::array();
  for (const auto &b : infos)
    out.push_back({{"digest", b.digest},
                   {"diff_id", b.diff_id},
                   {"compression", b.compression},
                   {"size", b.size},
                   {"repositories", b.repositories}});
  return out;
}

std::vector<BlobInfo> blob_infos_from_json(const json &j) {
  std::vector<BlobInfo> out;
  if (!j.is_array())
    return out;
  for (const auto &e : j) {
    if (!e.is_object())
      continue;
    BlobInfo b;
    auto str = [&](const char *key) {
      auto it = e.find(key);
      return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    b.digest = str("digest");
    b.diff_id = str("diff_id");
    b.compression = str("compression");
    if (auto s = e.find("size"); s != e.end() && s->is_number_integer())
      b.size = s->get<int64_t>();
    if (auto r = e.find("repositories"); r != e.end() && r->is_array())
      for (const auto &x : *r)
        if (x.is_string())
          b.repositories.push_back(x.get<std::string>());
    if (!digest_hex(b.digest) || !digest_hex(b.diff_id) || b.compression.empty() || b.size < 0)
      continue;
    out.push_back(std::move(b));
  }
  return out;
}

void record_blob(std::vector<BlobInfo> &infos, const BlobInfo &seen) {
  BlobInfo merged = seen;
  auto it = std::find_if(infos.begin(), infos.end(),
                         [&](const BlobInfo &b) { return b.digest == seen.digest; });
  if (it != infos.end()) {
    for (const auto &r : it->repositories)
      if (std::find(merged.repositories.begin(), merged.repositories.end(), r) ==
          merged.repositories.end())
        merged.repositories.push_back(r);
    infos.erase(it);
  }
  if (merged.repositories.size() > kMaxBlobRepositories)
    merged.repositories.resize(kMaxBlobRepositories);
  infos.insert(infos.begin(), std::move(merged));
}

void forget_blob_location(std::vector<BlobInfo> &infos, const std::string &digest,
                          const std::string &repository) {
  for (auto &b : infos)
    if (b.digest == digest)
      std::erase(b.repositories, repository);
}

std::vector<BlobInfo> blobs_of_layer(const std::vector<BlobInfo> &infos, const std::string &diff_id,
                                     const std::string &compression) {
  std::vector<BlobInfo> out;
  for (const auto &b : infos)
    if (b.diff_id == diff_id && b.compression == compression)
      out.push_back(b);
  return out;
}

void prune_blob_infos(std::vector<BlobInfo> &infos, const std::set<std::string> &diff_ids) {
  std::erase_if(infos, [&](const BlobInfo &b) { return !diff_ids.count(b.diff_id); });
}

} // namespace skiff::storage
