// image exists (podman): exit 0 when the image is in the store, 1 when
// not; nothing printed.
#include "../registry.hpp"

namespace skiff::cli {

static int run_image_exists(Context &ctx, const Args &a) {
  auto eng = ctx.engine();
  if (!eng)
    return fail(eng.error());
  auto img = (*eng)->find_image(a.positional[0]);
  if (img)
    return 0;
  if (img.error().code == Errc::not_found)
    return 1;
  set_command_error_code(kExitRuntime);
  return fail(img.error());
}

Command cmd_image_exists() {
  return {"image exists", "IMAGE", "Check if an image exists in local storage",
          {}, "images", true, false, 1, 1, {}, run_image_exists};
}

} // namespace skiff::cli
