// run and create's --pull: which image a new container gets, pulling it
// first when the policy asks for it.
#include <algorithm>
#include <optional>

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

Result<storage::ImageRecord> pull_and_find(Engine &eng, const std::string &name, const RegistryAccess &access,
                                           const PullOutput &out) {
  PullRequest p;
  p.reference = name;
  p.access = access;
  return eng.find_image(TRY(engine::pull(eng, p, out)));
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
  auto found = eng.lookup_image(r.image);
  if (!found && found.error().code != Errc::not_found)
    return std::move(found).error();
  std::optional<storage::ImageRecord> local;
  if (found)
    local = found->image;
  auto ref = image::parse_reference(r.image);
  if (!ref || is_full_id(r.image)) {
    if (!local)
      return std::move(found).error();
    return *local;
  }
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
    if (!local) {
      pull = true;
    } else if (ref->digest.empty() && !found->name.empty()) {
      auto named = TRY(image::parse_reference(found->name));
      if (registry_has_newer(eng, named, *local, r.access))
        return pull_and_find(eng, named.full(), r.access, out);
    }
    break;
  }
  if (!pull)
    return *local;
  if (!local && r.policy != PullPolicy::always)
    out(fmt::format("Unable to find image '{}' locally", ref->familiar()));
  // The name as typed, so a short name goes through the search registries;
  // its tag made explicit, as docker run never says "Using default tag".
  return pull_and_find(eng, image::names_version(r.image) ? r.image : r.image + ":latest", r.access,
                       out);
}

} // namespace skiff::engine
