// What a container's driver needs of its root before the first start.
#include <fcntl.h>

#include "skiff/storage/store.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::storage {

std::string Store::root_copy_dir(const std::string &id) const { return container_dir(id) + "/rootfs"; }

// The container's root is its own copy of the image's layers, applied
// bottom first.
static Status copy_layers(const Store &store, const ImageRecord &img, const std::string &dest) {
  TRY_STATUS(fs::mkdir_p(dest, 0755));
  UniqueFd dst(::open(dest.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dst)
    return sys_error("opening {}", dest);
  for (const auto &chain : img.layers) {
    std::string diff = store.layer_dir(chain) + "/diff";
    UniqueFd src(::open(diff.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!src)
      return sys_error("opening layer {}", chain);
    if (auto s = fs::apply_layer_copy(src.get(), dst.get()); !s)
      return std::move(s).error().wrap("copying the image for the vfs driver");
  }
  return {};
}

Status Store::prepare_root(const ContainerConfig &c, const ImageRecord &img) const {
  if (!layer_driver(driver_of(c)).copies_root)
    return {};
  return copy_layers(*this, img, root_copy_dir(c.id));
}

} // namespace skiff::storage
