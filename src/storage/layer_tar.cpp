#include "skiff/storage/layer_tar.hpp"

#include <fcntl.h>

namespace skiff::storage {

static Result<UniqueFd> open_split(const Store &store, const std::string &chain) {
  UniqueFd fd(::open((store.layer_dir(chain) + "/tar-split").c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd && errno == ENOENT)
    return make_error(Errc::failed,
                      "layer {} was stored without its tar layout (by an older skiff): remove the "
                      "image and load, import or pull it again",
                      chain);
  if (!fd)
    return sys_error("opening the tar layout of layer {}", chain);
  return fd;
}

Result<uint64_t> layer_tar_size(const Store &store, const std::string &chain) {
  auto fd = TRY(open_split(store, chain));
  return image::tar_split_size(fd.get());
}

Status write_layer_tar(const Store &store, const std::string &chain, const image::ByteSink &sink) {
  auto rec = TRY(store.read_layer(chain));
  auto split = TRY(open_split(store, chain));
  std::string diff = store.layer_dir(chain) + "/diff";
  UniqueFd root(::open(diff.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return sys_error("opening layer {}", chain);
  if (auto st = image::write_split_tar(split.get(), root.get(), rec.diff_id, sink); !st)
    return std::move(st).error().wrap(fmt::format("writing layer {}", chain));
  return {};
}

} // namespace skiff::storage
