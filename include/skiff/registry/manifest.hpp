// Distribution manifests: Docker v2 schema 2 and OCI image manifests (one
// image), Docker manifest lists and OCI indexes (one image per platform).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/image/compression.hpp"
#include "skiff/util/result.hpp"

namespace skiff::registry {

namespace media {
inline constexpr std::string_view docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view oci_layer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
} // namespace media

// The Accept header of a manifest request: the four types above.
std::string manifest_accept();

// Manifests, like configs, are small; anything larger is refused unread.
inline constexpr int64_t kMaxManifestSize = 4 << 20;

struct Platform {
  std::string os, architecture, variant;

  // "os/arch[/variant]", as --platform takes it; architectures normalised
  // ("x86_64" is "amd64", "aarch64" is "arm64").
  static Result<Platform> parse(std::string_view text);
  // This machine: linux and its OCI architecture.
  static Platform host();
  std::string str() const;
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::vector<std::string> urls;  // foreign layers: where the content lives
  Platform platform;              // index entries only
};

struct Manifest {
  bool is_index = false;
  std::string media_type;
  Descriptor config;                  // image manifests
  std::vector<Descriptor> layers;     // image manifests
  std::vector<Descriptor> manifests;  // indexes
};

// Parses a manifest body. The type comes from `content_type` when it is
// one of the four, else from the body's own mediaType field, else from its
// shape; schema 1 and anything else is an error naming the type. Fields
// are checked by type; problems name `source` ("the manifest of REF").
Result<Manifest> parse_manifest(std::string_view body, std::string_view content_type,
                                const std::string &source);

// The index entry for `want`: same OS and architecture, and the variant
// asked for ("v8" counts as none on arm64). With no variant asked for, an
// entry without one wins, else the first listed. No match is an error
// listing the platforms there are.
Result<Descriptor> choose_platform(const Manifest &index, const Platform &want);

// Whether a layer's media type is a tar stream skiff can apply (plain,
// gzip or zstd); foreign and non-layer types are errors.
Status check_layer_type(const Descriptor &layer);
// The compression a layer media type (one check_layer_type accepts) names.
image::Compression layer_compression(std::string_view media_type);

// What push writes: Docker v2 schema 2 or OCI image manifests.
enum class ManifestFormat { docker, oci };
// "docker" (or podman's "v2s2") and "oci".
Result<ManifestFormat> parse_manifest_format(std::string_view name);
// The media type of a layer compressed with `c` in a manifest of format
// `f`; Docker's format has none for zstd (or uncompressed layers).
Result<std::string> layer_media_type(ManifestFormat f, image::Compression c);
// An image manifest over a config and layers (bottom first), whose media
// types the descriptors carry; the config's is set here.
std::string image_manifest_json(ManifestFormat f, const Descriptor &config,
                                const std::vector<Descriptor> &layers);
std::string_view manifest_media_type(ManifestFormat f);

} // namespace skiff::registry
