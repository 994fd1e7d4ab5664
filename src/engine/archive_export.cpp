// export: a container's merged file system as a tar.
#include <fcntl.h>
#include <unistd.h>

#include "skiff/engine/archive.hpp"
#include "skiff/image/init_layer.hpp"
#include "skiff/image/tar_writer.hpp"
#include "skiff/runtime/root_view.hpp"
#include "skiff/sys/userns.hpp"
#include "skiff/util/fs.hpp"
#include "skiff/util/ids.hpp"
#include "entry_process.hpp"
#include "store_access.hpp"

namespace skiff::engine {

namespace {

// The scratch directories of an overlay view: its lowest (empty) layer
// must stay while the view is read.
struct Scratch {
  std::string dir;
  ~Scratch() {
    if (!dir.empty())
      (void)fs::remove_all(dir);
  }
};

// The container's root as it sees it, without its mounts: the copy itself
// for a driver that copies the root; a running container's own root
// mount; else its upper dir over its image's layers, stacked read-only as
// its driver stacks them (never while the container's own overlay uses
// that upper dir).
Result<UniqueFd> open_root(Engine &eng, const ContainerView &v, Scratch &scratch) {
  auto &store = store_of(eng);
  std::string cdir = store.container_dir(v.config.id);
  auto driver = store.driver_of(v.config);
  if (storage::layer_driver(driver).copies_root) {
    UniqueFd fd(::open(store.root_copy_dir(v.config.id).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
      return sys_error("opening the root of container {}", ids::short_id(v.config.id));
    return fd;
  }
  if (auto entry = entry_process(v)) {
    auto live = runtime::open_live_root(entry->pid, entry->start);
    if (live || live.error().code != Errc::conflict)
      return live;
    // It stopped meanwhile: its layers are free to stack.
  }
  if (v.image.id.empty())
    return make_error(Errc::not_found, "the image of container {} is gone", ids::short_id(v.config.id));
  scratch.dir = TRY(store.scratch_dir());
  TRY_STATUS(fs::mkdir_p(scratch.dir + "/root", 0700));
  TRY_STATUS(fs::mkdir_p(scratch.dir + "/empty", 0700));
  std::vector<std::string> dirs;
  // A container that never started has no upper dir yet.
  if (fs::is_dir(cdir + "/upper"))
    dirs.push_back(cdir + "/upper");
  for (auto it = v.image.layers.rbegin(); it != v.image.layers.rend(); ++it)
    dirs.push_back(store.layer_dir(*it) + "/diff");
  // overlayfs wants two lower dirs when there is no upper one; an empty
  // one at the bottom changes nothing.
  dirs.push_back(scratch.dir + "/empty");
  return runtime::open_layers_readonly(driver, dirs, sys::in_user_namespace(), scratch.dir + "/root");
}

} // namespace

Status export_container(Engine &eng, const std::string &id, int fd) {
  auto v = TRY(eng.container(id));
  Scratch scratch;
  auto root = TRY(open_root(eng, v, scratch));
  image::TarWriter w([fd](const void *p, size_t n) {
    return fs::write_all(fd, {static_cast<const char *>(p), n}, "the archive");
  });
  return image::write_tree_tar(root.get(), w, image::docker_init_layer(v.config.created / 1000000000));
}

} // namespace skiff::engine
