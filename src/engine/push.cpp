// push: finds the local images a reference names, resolves credentials and
// TLS for its registry, pushes each (registry::push_image) and records the
// repository digest, printing what docker push prints.
#include "skiff/engine/push.hpp"

#include <algorithm>

#include "registry_access.hpp"
#include "skiff/image/reference.hpp"
#include "skiff/registry/push.hpp"
#include "store_access.hpp"

namespace skiff::engine {

using storage::ImageRecord;

namespace {

struct Target {
  image::Reference ref;  // with its tag
  ImageRecord image;
};

// The local images `text` names: one tag, or with `all` every tag of the
// repository (in tag order). The errors are Docker's.
Result<std::vector<Target>> targets(storage::Store &store, const image::Reference &ref,
                                    bool all) {
  auto images = TRY(store.images());
  std::vector<Target> out;
  bool repository_known = false;
  for (const auto &img : images)
    for (const auto &n : img.names) {
      auto r = image::parse_reference(n);
      if (!r || r->repository() != ref.repository())
        continue;
      repository_known = true;
      if (all || r->tag == ref.tag)
        out.push_back({*r, img});
    }
  if (!repository_known)
    return make_error(Errc::not_found, "An image does not exist locally with the tag: {}",
                      ref.familiar_repository());
  if (out.empty())
    return make_error(Errc::not_found, "tag does not exist: {}", ref.familiar());
  std::sort(out.begin(), out.end(), [](const Target &a, const Target &b) { return a.ref.tag < b.ref.tag; });
  return out;
}

Result<registry::PushOptions> push_options(const PushRequest &r) {
  registry::PushOptions o;
  if (!r.compression.empty()) {
    o.compression = TRY(image::parse_compression(r.compression));
    if (o.compression == image::Compression::none)
      return make_error(Errc::invalid, "unknown compression format \"{}\": use gzip or zstd",
                        r.compression);
  }
  // Docker's manifests cannot carry zstd layers: those make OCI ones, as
  // with podman, unless a format is asked for.
  if (!r.format.empty())
    o.format = TRY(registry::parse_manifest_format(r.format));
  else if (o.compression == image::Compression::zstd)
    o.format = registry::ManifestFormat::oci;
  TRY(registry::layer_media_type(o.format, o.compression));
  return o;
}

// The image gets `repo_digest`, which no other image keeps.
Status record_digest(storage::Store &store, const std::string &id, const std::string &repo_digest) {
  return store.update_images([&](std::vector<ImageRecord> &list) -> Status {
    for (auto &img : list) {
      std::erase(img.digests, repo_digest);
      if (img.id == id)
        img.digests.push_back(repo_digest);
    }
    return {};
  });
}

} // namespace

Result<std::string> push(Engine &eng, const PushRequest &r, const PushOutput &out) {
  auto ref = TRY(image::parse_reference(r.reference));
  if (!ref.digest.empty())
    return make_error(Errc::invalid, "cannot push a digest reference");
  bool tagged = image::names_version(r.reference);
  if (r.all_tags && tagged)
    return make_error(Errc::invalid, "tag can't be used with --all-tags/-a");
  auto opts = TRY(push_options(r));
  if (!r.all_tags && !tagged)
    out("Using default tag: latest");
  out(fmt::format("The push refers to repository [{}]", ref.repository()));
  // Held until the last layer is read: layer gc must not take them away.
  auto hold = TRY(store_of(eng).lock_layer_adds());
  auto list = TRY(targets(store_of(eng), ref, r.all_tags));

  auto client = TRY(open_client(ref, r.access, !eng.options().rootless));
  for (const auto &t : list) {
    registry::PushSource src;
    std::string digest = "sha256:" + t.image.id;
    src.config = TRY(store_of(eng).read_blob(digest));
    src.diff_ids = TRY(image::ImageConfig::parse(src.config, store_of(eng).blob_path(digest))).diff_ids;
    src.chains = t.image.layers;
    auto pushed = TRY(registry::push_image(store_of(eng), *client, t.ref, src, opts,
                                           [&](const registry::LayerStatus &s) {
                                             out({s.id, s.status, s.current, s.total});
                                           }));
    out(fmt::format("{}: digest: {} size: {}", t.ref.tag, pushed.digest, pushed.size));
    TRY_STATUS(record_digest(store_of(eng), t.image.id, ref.repository() + "@" + pushed.digest));
  }
  return r.all_tags ? ref.repository() : ref.full();
}

} // namespace skiff::engine
