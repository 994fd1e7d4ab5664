// Docker's rules for rmi of an image in use.
#include "skiff/engine/image_removal.hpp"

#include "skiff/util/ids.hpp"

namespace skiff::engine {

static const ImageUser *first_user(const std::vector<ImageUser> &users, bool running) {
  for (const auto &u : users)
    if (u.running == running)
      return &u;
  return nullptr;
}

Result<ImageRemoval> plan_image_removal(const ImageRemovalInput &in) {
  std::string short_image = in.image_id.substr(0, 12);
  const ImageUser *running = first_user(in.users, true);
  const ImageUser *stopped = first_user(in.users, false);
  if (in.by_name) {
    if (in.names > 1)
      return ImageRemoval::untag;
    if (!in.force && !in.users.empty())
      return make_error(Errc::conflict,
                        "conflict: unable to remove repository reference \"{}\" (must force) - "
                        "container {} is using its referenced image {}",
                        in.text, ids::short_id(in.users.front().container_id), short_image);
    // Forced: the name goes; a running container keeps the image, untagged.
    return running ? ImageRemoval::untag : ImageRemoval::remove;
  }
  if (running)
    return make_error(Errc::conflict,
                      "conflict: unable to delete {} (cannot be forced) - image is being used by "
                      "running container {}",
                      short_image, ids::short_id(running->container_id));
  if (!in.force && in.names > 1)
    return make_error(Errc::conflict,
                      "conflict: unable to delete {} (must be forced) - image is referenced in "
                      "multiple repositories",
                      short_image);
  if (!in.force && stopped)
    return make_error(Errc::conflict,
                      "conflict: unable to delete {} (must be forced) - image is being used by "
                      "stopped container {}",
                      short_image, ids::short_id(stopped->container_id));
  return ImageRemoval::remove;
}

} // namespace skiff::engine
