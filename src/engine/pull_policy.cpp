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
  // docker/cli's validatePullOpt, before anything is asked of the daemon.
  return make_error(Errc::usage, "invalid pull option: '{}': must be one of \"always\", \"missing\" or \"never\"",
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
