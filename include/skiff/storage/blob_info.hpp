// What the store knows about layers' compressed blobs in registries, as
// Docker's v2 metadata and containers/image's blob info cache know it:
// which blob (digest, compression, size) holds which layer (diff ID), and
// in which repositories ("host:port/path") it was last seen. Push uses it
// to skip blobs a repository has and to mount them from another
// repository of the same registry; pull and push record it. Pure: the
// file is read and written by Store (store.hpp).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace skiff::storage {

struct BlobInfo {
  std::string digest;       // "sha256:..." of the compressed blob
  std::string diff_id;      // "sha256:..." of the layer tar inside it
  std::string compression;  // "gzip", "zstd" or "none"
  int64_t size = 0;         // bytes of the blob
  std::vector<std::string> repositories;  // most recently seen first
};

// At most this many repositories are remembered per blob (the latest).
inline constexpr size_t kMaxBlobRepositories = 16;

nlohmann::json blob_infos_to_json(const std::vector<BlobInfo> &infos);
// Entries that do not parse are dropped: the record only saves work.
std::vector<BlobInfo> blob_infos_from_json(const nlohmann::json &j);

// Records that `seen` (its repositories, first the most recent) holds its
// layer: a known blob moves those repositories to the front of its list
// (and takes the new size, compression and diff ID), an unknown one is added.
void record_blob(std::vector<BlobInfo> &infos, const BlobInfo &seen);
// Forgets that `repository` has blob `digest` (the registry said it has not).
void forget_blob_location(std::vector<BlobInfo> &infos, const std::string &digest,
                          const std::string &repository);
// The blobs known to hold layer `diff_id` compressed as `compression`,
// most recently recorded first.
std::vector<BlobInfo> blobs_of_layer(const std::vector<BlobInfo> &infos, const std::string &diff_id,
                                     const std::string &compression);
// Drops the blobs of layers not in `diff_ids` (layers no longer stored).
void prune_blob_infos(std::vector<BlobInfo> &infos, const std::set<std::string> &diff_ids);

} // namespace skiff::storage
