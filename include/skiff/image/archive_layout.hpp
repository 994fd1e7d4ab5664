// The members save writes: docker-archive (manifest.json, repositories,
// <hex>.json configs, <hex>.tar layers) and the OCI image layout
// (oci-layout, index.json, blobs/sha256/<hex>). Pure: names and JSON only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::image {

struct SavedImage {
  std::string config;                 // the config blob, byte for byte
  std::string config_digest;          // "sha256:..."
  std::vector<std::string> diff_ids;  // bottom first
  std::vector<uint64_t> layer_sizes;  // each layer's tar size
  std::vector<std::string> names;     // full references to record with it
};

inline constexpr std::string_view kOciLayoutFile = "oci-layout";
inline constexpr std::string_view kOciLayout = R"({"imageLayoutVersion":"1.0.0"})";

// docker-archive
std::string docker_config_member(const SavedImage &img);
std::string docker_layer_member(const std::string &diff_id);
// manifest.json: one entry per image, RepoTags in Docker's familiar form.
std::string docker_manifest_json(const std::vector<SavedImage> &images);
// repositories: {"REPO": {"TAG": "<top layer>"}} as Docker's legacy loaders read it.
std::string docker_repositories_json(const std::vector<SavedImage> &images);

// OCI image layout
std::string oci_blob_member(const std::string &digest);
// The image's manifest (uncompressed layers).
std::string oci_manifest_json(const SavedImage &img);
// index.json over the images and their manifests (same order): one entry
// per name, annotated as Docker and containerd do, or one without a name.
std::string oci_index_json(const std::vector<SavedImage> &images, const std::vector<std::string> &manifests);

} // namespace skiff::image
