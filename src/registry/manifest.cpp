#include "skiff/registry/manifest.hpp"

#include <nlohmann/json.hpp>

#include "skiff/image/config.hpp"
#include "skiff/util/digest.hpp"
#include "skiff/util/json_read.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::registry {

using nlohmann::json;

std::string manifest_accept() {
  return fmt::format("{}, {}, {}, {}", media::oci_index, media::docker_list, media::oci_manifest,
                     media::docker_manifest);
}

static std::string normal_arch(std::string_view a) {
  std::string s = str::lower(a);
  if (s == "x86_64" || s == "x86-64")
    return "amd64";
  if (s == "aarch64")
    return "arm64";
  return s;
}

// arm64's only variant is v8, which images may or may not spell out.
static std::string normal_variant(const std::string &arch, std::string_view v) {
  std::string s = str::lower(v);
  return arch == "arm64" && s == "v8" ? "" : s;
}

Result<Platform> Platform::parse(std::string_view text) {
  auto parts = str::split(text, '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty() ||
      (parts.size() == 3 && parts[2].empty()))
    return make_error(Errc::invalid, "invalid platform \"{}\": use os/arch[/variant]", text);
  Platform p{str::lower(parts[0]), normal_arch(parts[1]), ""};
  if (parts.size() == 3)
    p.variant = normal_variant(p.architecture, parts[2]);
  return p;
}

Platform Platform::host() { return {"linux", image::host_architecture(), ""}; }

std::string Platform::str() const {
  return variant.empty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
}

namespace {

Descriptor descriptor(const JsonField &j) {
  Descriptor d;
  d.media_type = j["mediaType"].as_string();
  d.digest = j["digest"].required().as_digest();
  d.size = j["size"].required().as_int<int64_t>();
  if (d.size < 0)
    j["size"].fail("must not be negative");
  d.urls = j["urls"].as_strings();
  JsonField p = j["platform"];
  d.platform.os = str::lower(p["os"].as_string());
  d.platform.architecture = normal_arch(p["architecture"].as_string());
  d.platform.variant = normal_variant(d.platform.architecture, p["variant"].as_string());
  return d;
}

bool known_type(std::string_view t) {
  return t == media::docker_manifest || t == media::docker_list || t == media::oci_manifest ||
         t == media::oci_index;
}

} // namespace

Result<Manifest> parse_manifest(std::string_view body, std::string_view content_type,
                                const std::string &source) {
  auto doc = TRY(JsonDoc::parse(body, source));
  JsonField j = doc.root();
  std::string own_type = j["mediaType"].as_string();
  int64_t version = j["schemaVersion"].as_int<int64_t>();
  TRY_STATUS(doc.status());
  // "application/json; charset=utf-8" and such carry no type.
  std::string type(str::trim(content_type.substr(0, content_type.find(';'))));
  if (!known_type(type))
    type = own_type;
  if (type.empty())
    type = j["manifests"].present() ? std::string(media::oci_index)
           : j["layers"].present()  ? std::string(media::oci_manifest)
                                    : std::string();
  if (!known_type(type)) {
    if (version == 1)
      return make_error(Errc::invalid,
                        "{}: the image uses the deprecated Docker schema 1 manifest, which skiff "
                        "does not pull: push it again with a current client",
                        source);
    return make_error(Errc::invalid, "{}: unsupported manifest type \"{}\"", source, type);
  }
  if (version != 2)
    return make_error(Errc::invalid, "{}: unsupported manifest schemaVersion {}", source, version);
  Manifest m;
  m.media_type = type;
  m.is_index = type == media::docker_list || type == media::oci_index;
  if (m.is_index) {
    for (const auto &e : j["manifests"].required().elements())
      m.manifests.push_back(descriptor(e.required()));
  } else {
    m.config = descriptor(j["config"].required());
    for (const auto &e : j["layers"].required().elements())
      m.layers.push_back(descriptor(e.required()));
  }
  TRY_STATUS(doc.status());
  return m;
}

Result<Descriptor> choose_platform(const Manifest &index, const Platform &want) {
  const Descriptor *first = nullptr;
  std::vector<std::string> seen;
  for (const auto &d : index.manifests) {
    const Platform &p = d.platform;
    if (p.os.empty() && p.architecture.empty())
      continue;  // attestations and other entries that are not images
    seen.push_back(p.str());
    if (p.os != want.os || p.architecture != want.architecture)
      continue;
    if (p.variant == want.variant)
      return d;
    if (want.variant.empty() && !first)
      first = &d;
  }
  if (first)
    return *first;
  return make_error(Errc::not_found, "no image for platform {} in the index (it has: {})",
                    want.str(), seen.empty() ? "none" : str::join(seen, ", "));
}

Status check_layer_type(const Descriptor &layer) {
  static constexpr std::string_view ok[] = {media::docker_layer_gzip, media::oci_layer,
                                            media::oci_layer_gzip, media::oci_layer_zstd};
  for (auto t : ok)
    if (layer.media_type == t)
      return {};
  if (layer.media_type.find("foreign") != std::string::npos ||
      layer.media_type.find("nondistributable") != std::string::npos)
    return make_error(Errc::invalid,
                      "layer {} is a foreign layer (its content is not in the registry), which "
                      "skiff does not fetch",
                      layer.digest);
  return make_error(Errc::invalid, "layer {} has media type \"{}\", which is not an image layer",
                    layer.digest, layer.media_type);
}

image::Compression layer_compression(std::string_view media_type) {
  if (media_type.ends_with("gzip"))
    return image::Compression::gzip;
  if (media_type.ends_with("zstd"))
    return image::Compression::zstd;
  return image::Compression::none;
}

Result<ManifestFormat> parse_manifest_format(std::string_view name) {
  if (name == "docker" || name == "v2s2")
    return ManifestFormat::docker;
  if (name == "oci")
    return ManifestFormat::oci;
  if (name == "v2s1")
    return make_error(Errc::invalid,
                      "the Docker schema 1 manifest format is deprecated and skiff does not write "
                      "it: use oci or docker");
  return make_error(Errc::invalid, "unknown manifest format \"{}\": use oci or docker", name);
}

Result<std::string> layer_media_type(ManifestFormat f, image::Compression c) {
  if (f == ManifestFormat::oci) {
    switch (c) {
    case image::Compression::gzip:
      return std::string(media::oci_layer_gzip);
    case image::Compression::zstd:
      return std::string(media::oci_layer_zstd);
    case image::Compression::none:
      return std::string(media::oci_layer);
    }
  }
  if (c == image::Compression::gzip)
    return std::string(media::docker_layer_gzip);
  return make_error(Errc::invalid,
                    "the docker manifest format has no media type for {} layers: use --format oci",
                    image::compression_name(c) == "none" ? "uncompressed" : image::compression_name(c));
}

std::string_view manifest_media_type(ManifestFormat f) {
  return f == ManifestFormat::oci ? media::oci_manifest : media::docker_manifest;
}

std::string image_manifest_json(ManifestFormat f, const Descriptor &config,
                                const std::vector<Descriptor> &layers) {
  // Field order as Docker and containers/image write them.
  using ojson = nlohmann::ordered_json;
  auto desc = [](std::string_view type, const Descriptor &d) {
    return ojson{{"mediaType", type}, {"size", d.size}, {"digest", d.digest}};
  };
  ojson ls = ojson::array();
  for (const auto &l : layers)
    ls.push_back(desc(l.media_type, l));
  ojson m = {{"schemaVersion", 2},
             {"mediaType", manifest_media_type(f)},
             {"config", desc(f == ManifestFormat::oci ? media::oci_config : media::docker_config, config)},
             {"layers", ls}};
  return m.dump();
}

} // namespace skiff::registry
