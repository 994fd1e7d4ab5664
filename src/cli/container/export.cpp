// export: a container's file system as a tar archive.
#include "../archive_output.hpp"
#include "../registry.hpp"
#include "skiff/engine/archive.hpp"

namespace skiff::cli {

static int run_export(Context &ctx, const Args &a) {
  auto out = ArchiveOutput::open(a.get("output"));
  if (!out)
    return fail(out.error());
  auto id = ctx.container_id(a.positional[0]);
  if (!id)
    return fail(id.error());
  engine::Engine &eng = **ctx.engine();  // opened by container_id
  if (auto st = engine::export_container(eng, *id, out->fd()); !st)
    return fail(st.error());
  auto st = out->commit();
  return st ? 0 : fail(st.error());
}

Command cmd_export() {
  return {"export", "[OPTIONS] CONTAINER", "Export a container's filesystem as a tar archive",
          {{"output", 'o', FlagKind::value, "Write to a file, instead of STDOUT", "files", "string"}},
          "containers", true, true, 1, 1, {"container export"}, run_export};
}

} // namespace skiff::cli
