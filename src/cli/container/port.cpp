// `port CTR [PRIVATE_PORT[/PROTO]]`: the host ports a running container's
// ports are published on, as docker/cli prints them.
#include <fmt/format.h>

#include "../registry.hpp"
#include "skiff/cli/port_views.hpp"

namespace skiff::cli {

static int run_port(Context &ctx, const Args &a) {
  auto id = ctx.container_id(a.positional[0]);
  if (!id)
    return fail(id.error());
  auto view = (*ctx.engine())->container(*id);
  if (!view)
    return fail(view.error());
  const auto &st = view->state.status;
  bool running = st == engine::RunStatus::running || st == engine::RunStatus::paused;
  auto lines = port_lines(view->config, view->state, running, a.positional.size() > 1 ? a.positional[1] : "",
                          a.positional[0]);
  if (!lines)
    return fail(lines.error());
  for (const auto &l : *lines)
    fmt::print("{}\n", l);
  return 0;
}

Command cmd_port() {
  return {"port", "CONTAINER [PRIVATE_PORT[/PROTO]]", "List port mappings or a specific mapping for the container",
          {}, "containers", true, false, 1, 2, {"container port"}, run_port};
}

} // namespace skiff::cli
