// save: images to a docker-archive, oci-archive or oci-dir.
#include <fmt/format.h>

#include "../archive_output.hpp"
#include "../registry.hpp"
#include "skiff/engine/archive.hpp"

namespace skiff::cli {

static int run_save(Context &ctx, const Args &a) {
  auto format = engine::parse_archive_format(a.get("format", "docker-archive"));
  if (!format)
    return fail(format.error());
  // podman's flag: several images in one docker-archive, which skiff (like
  // docker) always allows; the other formats are refused with it, as podman does.
  if (a.flag("multi-image-archive") && *format != engine::ArchiveFormat::docker_archive)
    return fail_text("--multi-image-archive can only be used with --format docker-archive");
  std::string path = a.get("output");
  if (*format == engine::ArchiveFormat::oci_dir) {
    if (path.empty())
      return fail_text("--format oci-dir writes a directory: name it with -o");
    auto eng = ctx.engine();
    if (!eng)
      return fail(eng.error());
    auto st = engine::save_images_dir(**eng, a.positional, path);
    return st ? 0 : fail(st.error());
  }
  auto out = ArchiveOutput::open(path);
  if (!out)
    return fail(out.error());
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  if (auto st = engine::save_images(**eng, a.positional, *format, out->fd()); !st)
    return fail(st.error());
  auto st = out->commit();
  return st ? 0 : fail(st.error());
}

Command cmd_save() {
  return {"save", "[OPTIONS] IMAGE [IMAGE...]", "Save one or more images to a tar archive (streamed to STDOUT by default)",
          {{"format", 0, FlagKind::value, "Archive format: docker-archive, oci-archive or oci-dir (default \"docker-archive\")", "archive-formats", "string"},
           {"multi-image-archive", 'm', FlagKind::boolean, "Allow several images in one docker-archive (always allowed; refused with other formats)"},
           {"output", 'o', FlagKind::value, "Write to a file, instead of STDOUT", "files", "string"}},
          "images", true, true, 1, -1, {"image save"}, run_save};
}

} // namespace skiff::cli
