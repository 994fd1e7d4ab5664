// Interim: the container's upper dir as a layer, whiteouts not yet
// translated; replaced by the layer-diff code of the commit branch.
#include <fcntl.h>
#include "skiff/engine/build_steps.hpp"
#include "skiff/util/fs.hpp"
#include "store_access.hpp"
namespace skiff::engine {
Result<NewLayer> commit_layer(Engine &eng, const std::string &id) {
  auto &store = store_of(eng);
  auto v = TRY(eng.container(id));
  std::string up = store.container_dir(id) + "/upper";
  std::string parent = v.image.layers.empty() ? "" : v.image.layers.back();
  return add_written_layer(eng, parent, [&](image::TarWriter &w) -> Status {
    UniqueFd fd(::open(up.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    return image::write_tree_tar(fd.get(), w);
  });
}
}
