// commit --pause: the container frozen while its layer is read.
#include "container_pause.hpp"
#include "entry_process.hpp"

namespace skiff::engine {

Result<runtime::Freeze> pause_for_commit(Engine &, const ContainerView &v, bool pause) {
  if (!pause || !entry_process(v))
    return runtime::Freeze();
  return runtime::Freeze::container(v.config.id);
}

} // namespace skiff::engine
