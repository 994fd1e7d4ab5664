#include "skiff/image/archive_manifest.hpp"

#include "skiff/image/archive_layout.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/json_read.hpp"

namespace skiff::image {

namespace {

constexpr std::string_view kContainerdName = "io.containerd.image.name";
constexpr std::string_view kOciRefName = "org.opencontainers.image.ref.name";

// A name the archive gives an image: a reference, or the problem recorded.
std::optional<Reference> name_at(const JsonField &f) {
  std::string text = f.as_string();
  if (text.empty())
    return std::nullopt;
  auto ref = parse_reference(text);
  if (!ref) {
    f.fail(ref.error().message);
    return std::nullopt;
  }
  return *ref;
}

} // namespace

Result<std::vector<ArchiveImage>> read_docker_manifest(std::string_view text) {
  auto doc = TRY(JsonDoc::parse(text, "manifest.json"));
  std::vector<ArchiveImage> out;
  for (const auto &e : doc.root().elements()) {
    ArchiveImage a;
    a.config = e["Config"].required().as_string();
    for (const auto &l : e["Layers"].elements())
      a.layers.push_back(l.required().as_string());
    for (const auto &t : e["RepoTags"].elements())
      if (auto ref = name_at(t.required()))
        a.names.push_back(*ref);
    out.push_back(std::move(a));
  }
  TRY_STATUS(doc.status());
  return out;
}

Result<std::vector<OciIndexEntry>> read_oci_index(std::string_view text) {
  auto doc = TRY(JsonDoc::parse(text, "index.json"));
  std::vector<OciIndexEntry> out;
  for (const auto &d : doc.root()["manifests"].required().elements()) {
    OciIndexEntry e;
    e.digest = d["digest"].required().as_digest();
    e.manifest = oci_blob_member(e.digest);
    JsonField ann = d["annotations"];
    e.name = name_at(ann[kContainerdName]);
    // A bare tag ("latest") names no repository: only a full reference counts.
    if (!e.name && ann[kOciRefName].as_string().find('/') != std::string::npos)
      e.name = name_at(ann[kOciRefName]);
    out.push_back(std::move(e));
  }
  TRY_STATUS(doc.status());
  return out;
}

Result<ArchiveImage> read_oci_manifest(std::string_view text, const OciIndexEntry &entry) {
  if (sha256_digest(text) != entry.digest)
    return make_error(Errc::invalid, "{}: the content does not match its digest {}", entry.manifest,
                      entry.digest);
  auto doc = TRY(JsonDoc::parse(text, entry.manifest));
  JsonField m = doc.root();
  if (m["manifests"].present())
    return make_error(Errc::invalid, "multi-platform OCI indexes in archives are not supported yet");
  ArchiveImage a;
  a.config_digest = m["config"].required()["digest"].required().as_digest();
  a.config = oci_blob_member(a.config_digest);
  for (const auto &l : m["layers"].required().elements()) {
    a.layer_digests.push_back(l["digest"].required().as_digest());
    a.layers.push_back(oci_blob_member(a.layer_digests.back()));
  }
  if (entry.name)
    a.names.push_back(*entry.name);
  TRY_STATUS(doc.status());
  return a;
}

} // namespace skiff::image
