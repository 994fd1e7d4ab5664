// What a build asks of the engine (Podman's buildah role): a stage's
// state as an image that is not in the index, a step run as a container
// made from the container spec, a layer written by the builder, and the
// image a build ends with.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skiff/engine/commit.hpp"
#include "skiff/engine/engine.hpp"
#include "skiff/image/config.hpp"
#include "skiff/image/tar_writer.hpp"
#include "skiff/storage/build_cache.hpp"
#include "skiff/util/fd.hpp"
#include "skiff/util/lock.hpp"

namespace skiff::engine {

// Stores `config` (its diff IDs those of `layers`) as a blob and returns
// the image it makes, unnamed and not in the index: what a step's
// container is made from.
Result<ImageRecord> stage_image(Engine &eng, const image::ImageConfig &config,
                                const std::vector<std::string> &layers);

// Output of a step's process: `err` for its stderr.
using StepOutput = std::function<void(bool err, std::string_view data)>;

struct StepResult {
  int exit_code = 0;
  NewLayer layer;  // its changes, when it exited 0
};

// Makes a container of `o` over `base`, runs it to its end with its output
// to `out` and, when it succeeded, adds its changes as a layer, which
// `keep` must refer to (a build cache entry) before gc may see it; the
// container is removed in any case. A container a killed build left is
// removed by the next build (remove_abandoned_steps).
// A `cancel_fd` that turns readable (a signalfd of the build's signals)
// stops the step: its container is killed and removed, and the error is
// BuildKit's "Canceled: context canceled" (Errc::cancelled).
Result<StepResult> run_step(Engine &eng, spec::CreateOptions o, const ImageRecord &base,
                            const StepOutput &out, const std::function<Status(const NewLayer &)> &keep,
                            int cancel_fd = -1);
// Whether `cancel_fd` is readable now.
bool cancelled(int cancel_fd);
// Removes step containers whose build is gone.
void remove_abandoned_steps(Engine &eng);

// A layer the builder writes itself (COPY, WORKDIR) over `parent`.
Result<NewLayer> add_written_layer(Engine &eng, const std::string &parent,
                                   const std::function<Status(image::TarWriter &)> &write);
// The same diff as stored layer `chain`, over `parent` instead (COPY
// --link's layer on a changed base): its tar, byte for byte.
Result<NewLayer> restack_layer(Engine &eng, const std::string &chain, const std::string &parent);

// `layers` stacked read-only, for reading a stage's files (COPY's
// destination, --chown names, COPY --from): the root as a directory fd,
// valid while the view lives.
class RootView {
public:
  static Result<RootView> open(Engine &eng, const std::vector<std::string> &layers);
  RootView(RootView &&) noexcept;
  RootView &operator=(RootView &&) noexcept;
  ~RootView();
  int fd() const { return fd_.get(); }

private:
  RootView() = default;
  UniqueFd fd_;
  std::string scratch_;
};

// --chown's "user[:group]" resolved in the root's /etc/passwd and
// /etc/group as Docker's builder does: numbers need no entry, and a user
// alone gives its ID as the group ID too.
Result<std::pair<uid_t, gid_t>> chown_ids(int root_fd, std::string_view spec);

// The build cache (storage/build_cache.hpp): a step's entry, none when
// there is none or a layer it names is gone; recording one (its layers
// then kept from gc) and marking one used.
using BuildCacheEntry = storage::BuildCacheEntry;
std::optional<BuildCacheEntry> find_cached_step(Engine &eng, const std::string &key);
Status record_cached_step(Engine &eng, const BuildCacheEntry &e);

struct BuildCachePrune {
  bool all = false;             // -a: every entry, not only those no image uses
  std::optional<int64_t> until; // ns: only entries last used before
};
struct BuildCachePruned {
  std::vector<std::string> keys;  // the entries removed
  uint64_t reclaimed = 0;         // bytes of the layers that went with them
};
// `builder prune`: the entries `p` picks removed, then the layers only
// they kept.
Result<BuildCachePruned> prune_build_cache(Engine &eng, const BuildCachePrune &p);

// Records the image a build made (config stored, layers kept) under
// `names` (full references, taken from any other image); its ID.
Result<std::string> record_image(Engine &eng, const image::ImageConfig &config,
                                 const std::vector<std::string> &layers,
                                 const std::vector<std::string> &names);

} // namespace skiff::engine
