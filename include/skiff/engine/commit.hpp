// What a container changed over its image: `diff`'s list, and that
// change as a new layer (a tar diff with whiteouts, stored like a pulled
// layer) for `commit` and for build's RUN steps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "skiff/engine/engine.hpp"
#include "skiff/util/lock.hpp"

namespace skiff::engine {

// One line of `docker diff`: C (changed), A (added), D (deleted).
struct FileChange {
  char kind = 'C';
  std::string path;  // absolute, in the container
};

// The container's changes, in Docker's order (by path), without what the
// runtime itself puts in every container (Docker's init layer: /etc/hosts,
// /.dockerenv, mount points, ...). Works on running and stopped containers.
Result<std::vector<FileChange>> container_changes(Engine &eng, const std::string &id);

struct NewLayer {
  std::string chain_id;  // hex; the image's top layer when `empty`
  std::string diff_id;   // "sha256:..."; empty when `empty`
  int64_t size = 0;      // bytes of its files
  bool empty = false;    // the container changed nothing: no layer was added
};

// Adds the container's changes to the store as a layer over its image's
// layers. The caller holds Store::lock_layer_adds (through
// lock_layer_adds below) until an image or the build cache refers to it.
Result<NewLayer> commit_layer(Engine &eng, const std::string &id);
// Held shared while layers are added and not yet referenced, so that a gc
// meanwhile keeps them.
Result<FileLock> lock_layer_adds(Engine &eng);

struct CommitRequest {
  std::string reference;             // name:tag to give the image; empty: none
  std::vector<std::string> changes;  // -c: Dockerfile instructions over the config
  std::string comment, author;       // -m, -a
  bool pause = true;                 // -p: freeze a running container meanwhile
};

// `commit`: a new image of the container's image plus its changes; its
// ID ("sha256:...").
Result<std::string> commit_container(Engine &eng, const std::string &id, const CommitRequest &r);

// The committed image's config (pure), as moby's commit makes it: the
// image's, with the container's Config (its effective Env, Cmd, ...) as
// the new defaults, the -c changes applied over them, author and comment
// (not inherited), the history entry (created_by the container's Cmd
// joined by blanks), "container" and "container_config" as Docker 24
// writes them; `diff_id` empty when no layer was added.
Result<ImageConfig> committed_config(const ImageConfig &base, const ContainerConfig &c,
                                     const CommitRequest &r, const std::string &created,
                                     const std::string &diff_id);

} // namespace skiff::engine
