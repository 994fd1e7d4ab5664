// What load reads in an image archive: docker-archive's manifest.json and
// the OCI layout's index.json and image manifests. Pure: document text in,
// the members to read out. Every field is checked by type, and a problem
// names the member and the field ("manifest.json: [0].Layers[0]: expected
// a string, got a number").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/image/reference.hpp"
#include "skiff/util/result.hpp"

namespace skiff::image {

struct ArchiveImage {
  std::string config;                       // member holding the image config
  std::string config_digest;                // OCI: the config's digest; docker-archive: empty
  std::vector<std::string> layers;          // members holding the layers, bottom first
  std::vector<std::string> layer_digests;   // OCI: each layer blob's digest; docker-archive: empty
  std::vector<Reference> names;             // the names to give the image
};

// docker-archive: manifest.json, one entry per image.
Result<std::vector<ArchiveImage>> read_docker_manifest(std::string_view text);

// One entry of an OCI index.json.
struct OciIndexEntry {
  std::string digest;              // of the image manifest
  std::string manifest;            // member holding it ("blobs/sha256/<hex>")
  std::optional<Reference> name;   // from its annotations
};
Result<std::vector<OciIndexEntry>> read_oci_index(std::string_view text);
// The image manifest an index entry names, given its member's text (which
// must have the entry's digest).
Result<ArchiveImage> read_oci_manifest(std::string_view text, const OciIndexEntry &entry);

} // namespace skiff::image
