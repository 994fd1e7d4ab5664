// The on-disk store: content-addressed blobs, extracted layers by chain ID,
// the image index, containers and volumes. Every change happens under a
// file lock and lands with an atomic rename.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/storage/blob_info.hpp"
#include "skiff/storage/container_config.hpp"
#include "skiff/storage/exit_record.hpp"
#include "skiff/storage/layer_driver.hpp"
#include "skiff/storage/removal.hpp"
#include "skiff/util/lock.hpp"
#include "skiff/util/result.hpp"

namespace skiff::storage {

struct ImageRecord {
  std::string id;                    // hex of the config digest
  std::vector<std::string> names;    // full references: "docker.io/library/busybox:latest"
  std::vector<std::string> digests;  // "docker.io/library/busybox@sha256:..."
  std::vector<std::string> layers;   // chain IDs (hex), bottom first
  int64_t created = 0;               // ns
  int64_t size = 0;                  // bytes of all layers' files

  nlohmann::json to_json() const;
};

// images.json; every field is checked by type, and a problem names
// `source` (the file) and the field.
Result<std::vector<ImageRecord>> parse_image_index(std::string_view text, const std::string &source);

struct LayerRecord {
  std::string chain_id;   // hex
  std::string diff_id;    // "sha256:..."
  std::string parent;     // chain ID hex or empty
  std::string digest;     // compressed digest as it was read
  int64_t size = 0;

  nlohmann::json to_json() const;  // layer.json (the chain ID is its directory's name)
};

// A layer.json, checked as parse_image_index checks images.json.
Result<LayerRecord> parse_layer_record(std::string_view text, const std::string &chain_id,
                                       const std::string &source);

struct ContainerRecord {
  ContainerConfig config;
  ContainerState state;
};

class Store {
public:
  // `driver` asks for a layer driver (none: the store's own, or the first
  // that works here: overlay, fuse-overlayfs, vfs). The choice is recorded
  // in ROOT/driver the first time it can be tested.
  static Result<Store> open(const std::string &root, const std::string &runroot,
                            std::optional<DriverKind> driver = {});

  const std::string &root() const { return root_; }
  const std::string &runroot() const { return runroot_; }
  DriverKind driver() const { return driver_; }
  // The driver that made a container's root (the store's for a container
  // from before containers recorded it).
  DriverKind driver_of(const ContainerConfig &c) const { return c.storage_driver.value_or(driver_); }

  // Blobs (image configs, manifests).
  std::string blob_path(const std::string &digest) const;
  Result<std::string> put_blob(std::string_view data);
  Result<std::string> read_blob(const std::string &digest) const;

  // Layers.
  std::string layer_dir(const std::string &chain_id) const;  // holds diff/
  bool has_layer(const std::string &chain_id) const;
  Result<LayerRecord> read_layer(const std::string &chain_id) const;
  // What a layer must turn out to be (a pull knows both in advance); a
  // mismatch fails add_layer before anything is stored.
  struct LayerExpect {
    std::string digest;   // "sha256:..." of the bytes read, or empty
    std::string diff_id;  // "sha256:..." of the uncompressed tar, or empty
  };
  // Streams a layer from fd into the store on top of `parent` (chain ID or
  // empty) and returns its record; an existing layer is kept.
  Result<LayerRecord> add_layer(int fd, const std::string &parent, const LayerExpect &expect = {});
  // Held shared while layers are added and not yet referenced by an image,
  // so gc (which takes it exclusively) never sweeps them away.
  Result<FileLock> lock_layer_adds() const;
  // Removes layers no image references (nor a container whose image was
  // deleted under it: ContainerConfig::image_layers), debris of crashed
  // commands, and what blob info knows of layers no longer stored; called
  // after images change. Returns the bytes of the layers removed, and adds
  // their chain IDs to `removed` when given.
  Result<uint64_t> gc_layers(std::vector<std::string> *removed = nullptr);
  // Removes the images `which` picks (asked under the images lock) so
  // that it works on a full disk: each config blob is deleted first (no
  // space needed; from then on the image is gone for every reader, as
  // images() skips records without their config), then the layers no
  // image needs, then the index is rewritten.
  struct RemovedImages {
    std::vector<ImageRecord> images;
    uint64_t freed = 0;  // bytes of the layers removed
    std::vector<std::string> layers;  // chain IDs of the layers removed
  };
  Result<RemovedImages> remove_images(const std::function<Result<bool>(const ImageRecord &)> &which);
  // Takes out layers (chain IDs) and blobs (digests) that a command which
  // then failed had stored, except what an image uses by now. Waits for
  // commands adding layers, as gc does.
  Status discard(const std::vector<std::string> &chains, const std::vector<std::string> &blobs);
  // Deletes one layer, never leaving it half there under its chain ID.
  Status remove_layer(const std::string &chain_id);

  // A new scratch directory under ROOT/tmp for this process (an archive
  // being read, a mount point); scratch left by dead processes is swept.
  Result<std::string> scratch_dir();

  // Blob info (blob_info.hpp): one JSON file, changed under its own lock.
  // A lost or torn file only costs uploads, so it is read leniently.
  Result<std::vector<BlobInfo>> blob_infos() const;
  Status update_blob_infos(const std::function<void(std::vector<BlobInfo> &)> &change);

  // Images: the index is one JSON file rewritten atomically under a lock.
  // A record whose config blob is gone is an image being removed: skipped,
  // and dropped by the next update.
  Result<std::vector<ImageRecord>> images() const;
  // Runs `change` on the index under the images lock and saves it when
  // `change` succeeds.
  Status update_images(const std::function<Status(std::vector<ImageRecord> &)> &change);

  // Containers.
  std::string container_dir(const std::string &id) const;
  // The json-file log: <dir>/<id>-json.log as Docker names it, or ctr.log
  // for a container an older skiff made (it keeps the file it has).
  std::string container_log_path(const std::string &id) const;
  // Where a driver that copies the root (vfs) keeps a container's copy.
  std::string root_copy_dir(const std::string &id) const;
  // Gives new container `c` what its driver needs before its first start:
  // for a driver that copies the root, the image's layers applied bottom
  // first (whiteouts and opaque directories too) into root_copy_dir.
  Status prepare_root(const ContainerConfig &c, const ImageRecord &img) const;
  std::string container_run_dir(const std::string &id) const;
  Result<FileLock> lock_containers() const;
  Result<FileLock> lock_container(const std::string &id) const;
  Result<std::vector<std::string>> container_ids() const;
  Result<ContainerRecord> read_container(const std::string &id) const;
  Result<ContainerState> read_state(const std::string &id) const;
  // The layers containers keep for themselves (ContainerConfig::image_layers)
  // and the build cache keeps (build_cache.hpp).
  Result<std::vector<std::string>> pinned_layers() const;
  Status write_state(const std::string &id, const ContainerState &s) const;
  // `durable`: fsynced, for a config that alone keeps what it refers to.
  Status write_config(const ContainerConfig &c, bool durable = false) const;
  // Name index: names/<name> is a symlink to the ID (atomic claim).
  Status claim_name(const std::string &name, const std::string &id) const;
  // Docker's refusal of a name `owner` holds (moby daemon/names.go), the
  // words scripts grep for.
  static Error name_in_use(const std::string &name, const std::string &owner);
  Status release_name(const std::string &name) const;
  std::optional<std::string> id_for_name(const std::string &name) const;
  // Removal (removal.hpp). begin_removal renames config.json to this
  // process's marker and frees the name (the caller holds the containers
  // and the container lock); what is left on disk is then this process's to
  // delete: anonymous volumes, then files, the marker last.
  Status begin_removal(const ContainerConfig &c, bool volumes) const;
  Status remove_anonymous_volumes(const ContainerConfig &c) const;
  // Frees every name that still points at `id`.
  Status release_names_of(const std::string &id) const;
  // The run directory, then the container directory, its marker last
  // (under the containers lock, which the caller must not hold).
  Status remove_container_files(const std::string &id) const;
  // Container directories without config.json that no live process is
  // removing: half-done removals (cheap, without the lock).
  Result<std::vector<std::string>> abandoned_removals() const;
  // Under the containers lock: makes each abandoned removal this process's
  // own (its marker renamed after us, or one made for a killed create)
  // and frees the names that still point at it.
  Result<std::vector<AbandonedRemoval>> claim_abandoned_removals() const;

  // A stop or kill the user asked for, so that no restart policy brings
  // the container back: an empty file, which needs no free space.
  Status request_stop(const std::string &id) const;
  bool stop_requested(const std::string &id) const;
  void clear_stop_request(const std::string &id) const;
  // The end of a run when state.json cannot be written (exit_record.hpp).
  Status write_exit_record(const std::string &id, const ExitRecord &r) const;

  // Volumes.
  std::string volume_dir(const std::string &name) const;  // holds _data/
  Result<FileLock> lock_volumes() const;

private:
  std::string root_, runroot_;
  DriverKind driver_ = DriverKind::overlay;
};

// Computes the chain ID of a layer from its parent's chain ID and its diff ID
// (OCI image-spec: ChainID(L1..n) = SHA256(ChainID(L1..n-1) + " " + DiffID(Ln))).
std::string chain_id(const std::string &parent_chain_hex, const std::string &diff_id);

} // namespace skiff::storage
