// diff: what a container changed over its image.
#include <fcntl.h>

#include "container_layers.hpp"
#include "skiff/engine/commit.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/ids.hpp"
#include "store_access.hpp"

namespace skiff::engine {

image::DiffSource ContainerLayers::source() const {
  image::DiffSource s;
  s.top_fd = top.get();
  for (const auto &l : lowers)
    s.lower_fds.push_back(l.get());
  s.full_copy = full_copy;
  return s;
}

static Result<UniqueFd> open_dir(const std::string &path, const std::string &what) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd)
    return sys_error("opening {}", what);
  return fd;
}

Result<ContainerLayers> open_container_layers(Engine &eng, const ContainerView &v) {
  auto &store = store_of(eng);
  std::string short_id = ids::short_id(v.config.id);
  if (v.image.layers.empty() && !v.image.id.empty())
    return make_error(Errc::not_found, "the image of container {} is gone", short_id);
  ContainerLayers out;
  out.full_copy = storage::layer_driver(store.driver_of(v.config)).copies_root;
  std::string top = out.full_copy ? store.root_copy_dir(v.config.id) : store.container_dir(v.config.id) + "/upper";
  if (!out.full_copy && !fs::is_dir(top)) {
    out.untouched = true;
    return out;
  }
  out.top = TRY(open_dir(top, "the layer of container " + short_id));
  for (auto it = v.image.layers.rbegin(); it != v.image.layers.rend(); ++it)
    out.lowers.push_back(TRY(open_dir(store.layer_dir(*it) + "/diff", "layer " + *it)));
  return out;
}

Result<std::vector<FileChange>> container_changes(Engine &eng, const std::string &id) {
  auto v = TRY(eng.container(id));
  auto layers = TRY(open_container_layers(eng, v));
  std::vector<FileChange> out;
  if (layers.untouched)
    return out;
  for (const auto &e : TRY(image::diff_layers(layers.source())))
    out.push_back({static_cast<char>(e.kind), "/" + e.path});
  return out;
}

} // namespace skiff::engine
