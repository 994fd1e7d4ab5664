// inspect (containers, images, networks, volumes) and container inspect.
#include <fmt/format.h>

#include "../image/views.hpp"
#include "../registry.hpp"
#include "../view_types.hpp"
#include "skiff/cli/output.hpp"
#include "skiff/engine/networks.hpp"
#include "views.hpp"

namespace skiff::cli {

static Result<Inspected> inspect_one(engine::Engine &eng, const Context &ctx, const std::string &name,
                                          const std::string &type, bool size) {
  if (type.empty() || type == "container") {
    auto id = eng.find_container(name);
    if (id) {
      auto v = TRY(eng.container(*id));
      std::optional<engine::ContainerSize> sizes;
      if (size)
        sizes = engine::container_size(eng, v);
      return Inspected{inspect_json(v, ctx.options(), engine::container_graph_driver(eng, v),
                                    engine::container_log_path(eng, v), sizes, engine::container_networks(eng, v.config)),
                       &container_inspect_types()};
    }
    if (id.error().code != Errc::not_found)
      return std::move(id).error();  // an ambiguous prefix says so
  }
  // Not found, or not a name of that kind: the next kind may have it.
  if (type.empty() || type == "image") {
    auto img = eng.find_image(name);
    if (img)
      return Inspected{image_inspect_json(eng, *img), &image_inspect_types()};
    if (img.error().code != Errc::not_found && img.error().code != Errc::invalid)
      return std::move(img).error();
  }
  if (type.empty() || type == "network") {
    auto n = engine::network_view(eng, name);
    if (n)
      return Inspected{engine::network_inspect_json(*n), &network_inspect_types()};
    if (n.error().code != Errc::not_found)
      return std::move(n).error();  // an ambiguous name or prefix says so
  }
  if (type.empty() || type == "volume") {
    auto v = eng.volume(name);
    if (v)
      return Inspected{*v, &volume_inspect_types()};
    if (v.error().code != Errc::not_found)
      return std::move(v).error();
  }
  // Docker's words (docker/cli client errors.go): the kind asked for, or
  // "object" when any kind would do.
  return make_error(Errc::not_found, "No such {}: {}", type.empty() ? "object" : type, name);
}

static int inspect_with_type(Context &ctx, const Args &a, const std::string &type) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  // docker/cli inspect.go checks --type before looking anything up.
  if (!type.empty() && type != "container" && type != "image" && type != "network" && type != "volume")
    return fail_text(fmt::format("unknown type: \"{}\": must be one of \"container\", \"image\", \"network\", \"volume\"",
                                 type),
                     1);
  std::vector<Inspected> objs;
  int rc = 0;
  for (const auto &name : a.positional) {
    auto j = inspect_one(**eng, ctx, name, type, a.flag("size"));
    if (!j) {
      fail(j.error());
      rc = 1;
      continue;
    }
    objs.push_back(std::move(*j));
  }
  return print_inspect(a.get("format"), objs, true, rc);
}

static int run_inspect(Context &ctx, const Args &a) { return inspect_with_type(ctx, a, a.get("type")); }
static int run_container_inspect(Context &ctx, const Args &a) { return inspect_with_type(ctx, a, "container"); }

Command cmd_inspect() {
  return {"inspect", "[OPTIONS] NAME|ID [NAME|ID...]", "Return low-level information on Docker objects",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"},
           {"size", 's', FlagKind::boolean, "Display total file sizes if the type is container"},
           {"type", 0, FlagKind::value, "Return JSON for specified type (container, image, network, volume)", "inspect-types", "string"}},
          "containers-and-images", true, false, 1, -1, {}, run_inspect};
}

Command cmd_container_inspect() {
  return {"container inspect", "[OPTIONS] CONTAINER [CONTAINER...]", "Display detailed information on one or more containers",
          {{"format", 'f', FlagKind::value, "Format output using a custom template", "none", "string"},
           {"size", 's', FlagKind::boolean, "Display total file sizes"}},
          "containers", true, false, 1, -1, {}, run_container_inspect};
}

} // namespace skiff::cli
