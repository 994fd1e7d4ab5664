#include "skiff/image/archive_layout.hpp"

#include <nlohmann/json.hpp>

#include "skiff/image/reference.hpp"
#include "skiff/util/digest.hpp"

namespace skiff::image {

using nlohmann::json;

namespace {

std::string hex_of(const std::string &digest) { return digest_hex(digest).value_or("invalid"); }

// Names save was asked to record; ones that do not parse are not written.
std::vector<Reference> references(const SavedImage &img) {
  std::vector<Reference> out;
  for (const auto &n : img.names)
    if (auto r = parse_reference(n); r && !r->tag.empty())
      out.push_back(*r);
  return out;
}

} // namespace

std::string docker_config_member(const SavedImage &img) { return hex_of(img.config_digest) + ".json"; }

std::string docker_layer_member(const std::string &diff_id) { return hex_of(diff_id) + ".tar"; }

std::string docker_manifest_json(const std::vector<SavedImage> &images) {
  json out = json::array();
  for (const auto &img : images) {
    json tags = nullptr; // Docker writes null for an image saved by ID
    for (const auto &r : references(img))
      tags.push_back(r.familiar());
    json layers = json::array();
    for (const auto &d : img.diff_ids)
      layers.push_back(docker_layer_member(d));
    out.push_back({{"Config", docker_config_member(img)}, {"RepoTags", tags}, {"Layers", layers}});
  }
  return out.dump();
}

std::string docker_repositories_json(const std::vector<SavedImage> &images) {
  json out = json::object();
  for (const auto &img : images) {
    if (img.diff_ids.empty())
      continue;
    for (const auto &r : references(img))
      out[r.familiar_repository()][r.tag] = hex_of(img.diff_ids.back());
  }
  return out.dump();
}

std::string oci_blob_member(const std::string &digest) { return "blobs/sha256/" + hex_of(digest); }

std::string oci_manifest_json(const SavedImage &img) {
  json layers = json::array();
  for (size_t i = 0; i < img.diff_ids.size(); i++)
    layers.push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                      {"digest", img.diff_ids[i]},
                      {"size", i < img.layer_sizes.size() ? img.layer_sizes[i] : 0}});
  json m = {{"schemaVersion", 2},
            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"config",
             {{"mediaType", "application/vnd.oci.image.config.v1+json"},
              {"digest", img.config_digest},
              {"size", img.config.size()}}},
            {"layers", layers}};
  return m.dump();
}

std::string oci_index_json(const std::vector<SavedImage> &images, const std::vector<std::string> &manifests) {
  json entries = json::array();
  for (size_t i = 0; i < images.size() && i < manifests.size(); i++) {
    json d = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"digest", sha256_digest(manifests[i])},
              {"size", manifests[i].size()}};
    auto refs = references(images[i]);
    if (refs.empty())
      entries.push_back(d);
    for (const auto &r : refs) {
      d["annotations"] = {{"io.containerd.image.name", r.full()}, {"org.opencontainers.image.ref.name", r.tag}};
      entries.push_back(d);
    }
  }
  json index = {{"schemaVersion", 2},
                {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests", entries}};
  return index.dump();
}

} // namespace skiff::image
