// diff and commit: a container's changes, listed or made an image.
#include <fmt/core.h>

#include "../registry.hpp"
#include "skiff/engine/commit.hpp"

namespace skiff::cli {

static int run_diff(Context &ctx, const Args &a) {
  auto id = ctx.container_id(a.positional[0]);
  if (!id)
    return fail(id.error());
  engine::Engine &eng = **ctx.engine();  // opened by container_id
  auto changes = engine::container_changes(eng, *id);
  if (!changes)
    return fail(changes.error());
  std::string out;
  for (const auto &c : *changes)
    out += fmt::format("{} {}\n", c.kind, c.path);
  fmt::print("{}", out);
  return 0;
}

static int run_commit(Context &ctx, const Args &a) {
  engine::CommitRequest r;
  if (a.positional.size() > 1)
    r.reference = a.positional[1];
  r.changes = a.all("change");
  r.comment = a.get("message");
  r.author = a.get("author");
  r.pause = !a.has("pause") || a.flag("pause");
  auto id = ctx.container_id(a.positional[0]);
  if (!id)
    return fail(id.error());
  engine::Engine &eng = **ctx.engine();  // opened by container_id
  auto image = engine::commit_container(eng, *id, r);
  if (!image)
    return fail(image.error());
  fmt::print("{}\n", *image);
  return 0;
}

Command cmd_diff() {
  return {"diff", "CONTAINER", "Inspect changes to files or directories on a container's filesystem",
          {}, "containers", true, true, 1, 1, {"container diff"}, run_diff};
}

Command cmd_commit() {
  return {"commit", "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]", "Create a new image from a container's changes",
          {{"author", 'a', FlagKind::value, "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")", "none",
            "string"},
           {"change", 'c', FlagKind::list, "Apply Dockerfile instruction to the created image", "none", "list"},
           {"message", 'm', FlagKind::value, "Commit message", "none", "string"},
           {"pause", 'p', FlagKind::boolean, "Pause container during commit (default true)"}},
          "containers", true, true, 1, 2, {"container commit"}, run_commit};
}

} // namespace skiff::cli
