// run and create's --pull: which image a new container gets, pulling it
// first when the policy asks for it.
#include <algorithm>

#include "registry_access.hpp"
#include "skiff/engine/pull.hpp"
#include "skiff/image/reference.hpp"

namespace skiff::engine {

namespace {

// A full image ID, bare or "sha256:"-prefixed, names no repository to
// pull from (Docker's ParseAnyReference).
bool is_full_id(std::string_view text) {
  if (text.rfind("sha256:", 0) == 0)
    text.remove_prefix(7);
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Whether the registry's manifest for the tag differs from what the local
// image was pulled as. A registry that cannot be asked keeps the local
// image, as podman does.
bool registry_has_newer(Engine &eng, const image::Reference &ref, const storage::ImageRecord &local,
                        const RegistryAccess &access) {
  auto client = open_client(ref, access, !eng.options().rootless);
  if (!client)
    return false;
  auto digest = (*client)->manifest_digest(ref.path, ref.tag);
  if (!digest)
    return false;
  std::string mine = ref.repository() + "@" + *digest;
  return std::find(local.digests.begin(), local.digests.end(), mine) == local.digests.end();
}

} // namespace

Result<PullPolicy> parse_pull_policy(std::string_view text) {
  if (text == "always")
    return PullPolicy::always;
  if (text == "missing")
    return PullPolicy::missing;
  if (text == "never")
    return PullPolicy::never;
  if (text == "newer")
    return PullPolicy::newer;
  return make_error(Errc::invalid,
                    "invalid pull option: '{}': must be one of \"always\", \"missing\", \"never\" or \"newer\"",
                    text);
}

Result<storage::ImageRecord> image_for_container(Engine &eng, const ImageRequest &r,
                                                 const PullOutput &out) {
  auto local = eng.find_image(r.image);
  if (!local && local.error().code != Errc::not_found)
    return local;
  auto ref = image::parse_reference(r.image);
  if (!ref || is_full_id(r.image))
    return local;
  bool pull = false;
  switch (r.policy) {
  case PullPolicy::always:
    pull = true;
    break;
  case PullPolicy::never:
    if (!local)
      return Error{Errc::not_found, "No such image: " + ref->familiar(), kExitRuntime};
    break;
  case PullPolicy::missing:
    pull = !local;
    break;
  case PullPolicy::newer:
    // Only a tag can move: not a digest, nor an image found by its ID.
    pull = !local || (ref->digest.empty() &&
                      std::find(local->names.begin(), local->names.end(), ref->full()) != local->names.end() &&
                      registry_has_newer(eng, *ref, *local, r.access));
    break;
  }
  if (!pull)
    return local;
  if (!local)
    out(fmt::format("Unable to find image '{}' locally", ref->familiar()));
  PullRequest p;
  p.reference = ref->full();
  p.access = r.access;
  TRY(engine::pull(eng, p, out));
  return eng.find_image(ref->full());
}

} // namespace skiff::engine
