// -o's exporters (output.hpp).
#include "output.hpp"

#include <fcntl.h>

#include "skiff/engine/build_steps.hpp"
#include "skiff/image/tar_writer.hpp"
#include "skiff/util/fs.hpp"

namespace skiff::build {

namespace {

Status write_files(engine::Engine &eng, const std::vector<std::string> &layers, const BuildOutput &o) {
  auto view = TRY(engine::RootView::open(eng, layers));
  if (o.type == BuildOutput::Type::tar) {
    image::TarWriter w([&](const void *d, size_t n) {
      return fs::write_all(o.fd, {static_cast<const char *>(d), n}, "the build output");
    });
    TRY_STATUS(image::write_tree_tar(view.fd(), w));
    return w.close();
  }
  TRY_STATUS(fs::mkdir_p(o.dest, 0755));
  UniqueFd dest(::open(o.dest.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dest)
    return sys_error("opening the output directory {}", o.dest);
  // The layered copy: what is in the way of an entry is replaced.
  return fs::apply_layer_copy(view.fd(), dest.get());
}

} // namespace

Status write_output(engine::Engine &eng, const std::vector<std::string> &layers, const BuildOutput &o,
                    Progress &progress) {
  progress.begin(o.type == BuildOutput::Type::tar ? "exporting to client tarball" : "exporting to client directory");
  auto written = write_files(eng, layers, o);
  if (!written) {
    progress.error(written.error().message);
    return written;
  }
  progress.done();
  return {};
}

} // namespace skiff::build
