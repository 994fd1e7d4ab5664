// pull: resolves credentials and TLS for the reference's registry, fetches
// the image into the store (registry::pull_image) and records it with its
// tag and repo digest, printing what docker pull prints.
#include <algorithm>

#include "registry_access.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/registry/pull.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/strings.hpp"
#include "skiff/util/timefmt.hpp"
#include "store_access.hpp"

namespace skiff::engine {

using storage::ImageRecord;

namespace {

// Records the pulled image under `name` (a tag; empty for a pull by
// digest) and `repo_digest`, both taken from any other image; true when
// this changed what the name or digest points at.
Result<bool> record(storage::Store &store, const registry::PulledImage &img,
                    const std::string &name, const std::string &repo_digest) {
  std::string id = TRY(digest_hex(img.config_digest));
  bool changed = false;
  TRY_STATUS(store.update_images([&](std::vector<ImageRecord> &list) -> Status {
    auto it = std::find_if(list.begin(), list.end(), [&](const auto &i) { return i.id == id; });
    if (it == list.end()) {
      ImageRecord r;
      r.id = id;
      r.layers = img.chains;
      r.size = img.size;
      r.created = timefmt::parse_rfc3339(img.created).value_or(timefmt::now_ns());
      list.push_back(std::move(r));
      it = std::prev(list.end());
      changed = true;
    }
    auto claim = [&](std::vector<std::string> ImageRecord::*field, const std::string &value) {
      for (auto &other : list)
        if (other.id != id)
          std::erase(other.*field, value);
      auto &mine = (*it).*field;
      if (std::find(mine.begin(), mine.end(), value) == mine.end()) {
        mine.push_back(value);
        changed = true;
      }
    };
    if (!name.empty())
      claim(&ImageRecord::names, name);
    bool had_digest = std::find(it->digests.begin(), it->digests.end(), repo_digest) != it->digests.end();
    claim(&ImageRecord::digests, repo_digest);
    if (name.empty() && had_digest)
      changed = false;
    return {};
  }));
  return changed;
}

struct Puller {
  Engine &eng;
  registry::Client &client;
  const registry::PullOptions &opts;
  const PullOutput &out;

  // One tag or digest; true when something new was recorded.
  Result<bool> one(const image::Reference &ref) {
    out(fmt::format("{}: Pulling from {}", ref.digest.empty() ? ref.tag : ref.digest, ref.path));
    auto img = TRY(registry::pull_image(store_of(eng), client, ref, opts,
                                        [&](const registry::LayerStatus &s) {
                                          out({s.id, s.status, s.current, s.total});
                                        }));
    out("Digest: " + img.manifest_digest);
    bool changed = TRY(record(store_of(eng), img, ref.digest.empty() ? ref.full() : "",
                              ref.repository() + "@" + img.manifest_digest));
    return changed;
  }
};

// Pulls one reference (every tag of its repository with --all-tags).
Result<std::string> pull_from(Engine &eng, const image::Reference &ref, const PullRequest &r,
                              const registry::PullOptions &opts, const PullOutput &out) {
  auto client = TRY(open_client(ref, r.access, !eng.options().rootless));
  // Held until the image is recorded: layer gc must not take new layers.
  auto adding = TRY(store_of(eng).lock_layer_adds());
  Puller puller{eng, *client, opts, out};
  if (!r.all_tags) {
    bool changed = TRY(puller.one(ref));
    out(fmt::format("Status: {} for {}", changed ? "Downloaded newer image" : "Image is up to date",
                    ref.familiar()));
    return ref.full();
  }
  auto tags = TRY(client->tags(ref.path));
  if (tags.empty())
    return make_error(Errc::not_found, "{} has no tags", ref.repository());
  bool changed = false;
  for (const auto &t : tags) {
    image::Reference tagged = ref;
    tagged.tag = t;
    changed = TRY(puller.one(tagged)) || changed;
  }
  out(fmt::format("Status: {} for {}", changed ? "Downloaded newer image" : "Image is up to date",
                  ref.familiar_repository()));
  return ref.repository();
}

} // namespace

Result<std::string> pull(Engine &eng, const PullRequest &r, const PullOutput &out) {
  TRY(image::parse_reference(r.reference));
  bool versioned = image::names_version(r.reference);
  if (r.all_tags && versioned)
    return make_error(Errc::invalid, "tag can't be used with --all-tags/-a");
  registry::PullOptions opts;
  if (!r.platform.empty()) {
    opts.platform = TRY(registry::Platform::parse(r.platform));
    opts.platform_given = true;
  }
  auto conf = TRY(registries_conf());
  auto candidates = TRY(conf.candidates(r.reference));
  if (!r.all_tags && !versioned)
    out("Using default tag: latest");
  if (candidates.size() == 1)
    return pull_from(eng, candidates[0], r, opts, out);
  // A short name with search registries: the first that has it wins.
  std::vector<std::string> errors;
  for (const auto &c : candidates) {
    out(fmt::format("Trying to pull {}...", r.all_tags ? c.repository() : c.full()));
    auto got = pull_from(eng, c, r, opts, out);
    if (got)
      return got;
    errors.push_back(got.error().message);
  }
  return make_error(Errc::not_found, "could not pull {} from any search registry of registries.conf ({}): {}",
                    r.reference, str::join(conf.search, ", "), str::join(errors, "; "));
}

} // namespace skiff::engine
