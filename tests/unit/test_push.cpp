// Push's pure parts: manifests it writes, upload URLs, the blob info
// record, and compression as it streams (checked by decompressing).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "scratch.hpp"
#include "skiff/image/compression.hpp"
#include "skiff/registry/manifest.hpp"
#include "skiff/registry/url.hpp"
#include "skiff/storage/blob_info.hpp"
#include "skiff/util/digest.hpp"

using namespace skiff;
using namespace skiff::registry;
using storage::BlobInfo;

namespace {

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');
const std::string kC = "sha256:" + std::string(64, 'c');
const std::string kD = "sha256:" + std::string(64, 'd');

} // namespace

TEST_CASE("push manifests: Docker schema 2 and OCI, parsed back the same") {
  Descriptor config{"", kA, 1469, {}, {}};
  std::vector<Descriptor> layers{{std::string(media::docker_layer_gzip), kB, 100, {}, {}},
                                 {std::string(media::docker_layer_gzip), kC, 200, {}, {}}};
  std::string body = image_manifest_json(ManifestFormat::docker, config, layers);
  // Docker's field order.
  CHECK(body.rfind(R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1469,"digest":")", 0) == 0);
  auto m = parse_manifest(body, "", "m");
  REQUIRE(m.ok());
  CHECK(m->media_type == media::docker_manifest);
  CHECK(m->config.media_type == media::docker_config);
  CHECK(m->config.digest == kA);
  CHECK(m->config.size == 1469);
  REQUIRE(m->layers.size() == 2);
  CHECK(m->layers[0].digest == kB);
  CHECK(m->layers[1].size == 200);

  layers = {{std::string(media::oci_layer_zstd), kB, 100, {}, {}}};
  auto oci = parse_manifest(image_manifest_json(ManifestFormat::oci, config, layers),
                            media::oci_manifest, "m");
  REQUIRE(oci.ok());
  CHECK(oci->config.media_type == media::oci_config);
  CHECK(oci->layers[0].media_type == media::oci_layer_zstd);
  CHECK(check_layer_type(oci->layers[0]).ok());
  CHECK(manifest_media_type(ManifestFormat::oci) == media::oci_manifest);
}

TEST_CASE("push formats and layer media types") {
  CHECK(*parse_manifest_format("docker") == ManifestFormat::docker);
  CHECK(*parse_manifest_format("v2s2") == ManifestFormat::docker);
  CHECK(*parse_manifest_format("oci") == ManifestFormat::oci);
  CHECK(parse_manifest_format("v2s1").error().message.find("deprecated") != std::string::npos);
  CHECK(parse_manifest_format("OCI").error().message == "unknown manifest format \"OCI\": use oci or docker");

  using image::Compression;
  CHECK(*layer_media_type(ManifestFormat::docker, Compression::gzip) == media::docker_layer_gzip);
  CHECK(*layer_media_type(ManifestFormat::oci, Compression::gzip) == media::oci_layer_gzip);
  CHECK(*layer_media_type(ManifestFormat::oci, Compression::zstd) == media::oci_layer_zstd);
  auto bad = layer_media_type(ManifestFormat::docker, Compression::zstd);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "the docker manifest format has no media type for zstd layers: use --format oci");
  CHECK(layer_compression(media::docker_layer_gzip) == Compression::gzip);
  CHECK(layer_compression(media::oci_layer_zstd) == Compression::zstd);
  CHECK(layer_compression(media::oci_layer) == Compression::none);
  CHECK(*image::parse_compression("zstd") == Compression::zstd);
  CHECK_FALSE(image::parse_compression("xz").ok());
}

TEST_CASE("upload URLs: queries and Location headers") {
  CHECK(with_query("https://r/v2/a/blobs/uploads/u", "digest", kA) ==
        "https://r/v2/a/blobs/uploads/u?digest=sha256%3A" + std::string(64, 'a'));
  CHECK(with_query("https://r/u?_state=x%3D", "digest", "d") == "https://r/u?_state=x%3D&digest=d");
  CHECK(with_query("https://r/u?", "mount", "d") == "https://r/u?mount=d");
  CHECK(with_query("/p?a=1&", "b", "a/b c") == "/p?a=1&b=a%2Fb%20c");

  CHECK(url_origin("https://127.0.0.1:5000/v2/") == "https://127.0.0.1:5000");
  CHECK(url_origin("http://host?x") == "http://host");
  CHECK(url_origin("/v2/") == "");

  const std::string req = "https://reg:5000/v2/team/app/blobs/uploads/";
  CHECK(*resolve_location(req, "https://reg:5000/v2/team/app/blobs/uploads/u1?_state=s") ==
        "https://reg:5000/v2/team/app/blobs/uploads/u1?_state=s");
  CHECK(*resolve_location(req, "/v2/team/app/blobs/uploads/u2") ==
        "https://reg:5000/v2/team/app/blobs/uploads/u2");
  CHECK(*resolve_location(req, "//storage.example/up/3") == "https://storage.example/up/3");
  CHECK(*resolve_location("https://reg/v2/a/blobs/uploads/u1?x=1", "u2?y") ==
        "https://reg/v2/a/blobs/uploads/u2?y");
  CHECK(*resolve_location("http://reg/v2/", "https://other/x") == "https://other/x");
  auto down = resolve_location(req, "http://reg:5000/v2/x");
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().message.find("leaves https") != std::string::npos);
  CHECK_FALSE(resolve_location(req, "").ok());
}

TEST_CASE("blob info: recorded, merged most recent first, forgotten, pruned") {
  std::vector<BlobInfo> infos;
  storage::record_blob(infos, {kA, kC, "gzip", 10, {"reg/one"}});
  storage::record_blob(infos, {kB, kC, "zstd", 8, {"reg/one"}});
  storage::record_blob(infos, {kA, kC, "gzip", 10, {"reg/two"}});
  REQUIRE(infos.size() == 2);
  // The blob seen last comes first, its newest repository first.
  CHECK(infos[0].digest == kA);
  CHECK(infos[0].repositories == std::vector<std::string>{"reg/two", "reg/one"});
  storage::record_blob(infos, {kA, kC, "gzip", 10, {"reg/one"}});
  CHECK(infos[0].repositories == std::vector<std::string>{"reg/one", "reg/two"});

  auto gz = storage::blobs_of_layer(infos, kC, "gzip");
  REQUIRE(gz.size() == 1);
  CHECK(gz[0].digest == kA);
  CHECK(storage::blobs_of_layer(infos, kC, "zstd").at(0).digest == kB);
  CHECK(storage::blobs_of_layer(infos, kD, "gzip").empty());

  storage::forget_blob_location(infos, kA, "reg/one");
  CHECK(infos[0].repositories == std::vector<std::string>{"reg/two"});

  for (int i = 0; i < 40; i++)
    storage::record_blob(infos, {kA, kC, "gzip", 10, {"reg/r" + std::to_string(i)}});
  CHECK(infos[0].repositories.size() == storage::kMaxBlobRepositories);
  CHECK(infos[0].repositories.front() == "reg/r39");

  // Through JSON and back; entries that do not parse are dropped.
  auto j = storage::blob_infos_to_json(infos);
  j.push_back({{"digest", "nope"}, {"diff_id", kC}, {"compression", "gzip"}, {"size", 1}});
  j.push_back(42);
  auto back = storage::blob_infos_from_json(j);
  REQUIRE(back.size() == 2);
  CHECK(back[1].digest == kB);
  CHECK(back[1].size == 8);
  CHECK(back[0].repositories == infos[0].repositories);
  CHECK(storage::blob_infos_from_json(nlohmann::json::parse("{}")).empty());

  storage::record_blob(back, {kD, kD, "gzip", 3, {"reg/one"}});
  storage::prune_blob_infos(back, {kD});
  REQUIRE(back.size() == 1);
  CHECK(back[0].digest == kD);
}

TEST_CASE("compression as it streams: gzip and zstd read back whole") {
  std::string data;
  for (int i = 0; i < 200000; i++)
    data += std::to_string(i * 7919 % 1000) + (i % 13 ? " " : "\n");
  for (auto c : {image::Compression::gzip, image::Compression::zstd, image::Compression::none}) {
    std::string packed;
    image::CompressingWriter w(c, [&](std::string_view chunk) -> Status {
      packed.append(chunk);
      return {};
    });
    for (size_t at = 0; at < data.size(); at += 100000)
      REQUIRE(w.write(data.data() + at, std::min<size_t>(100000, data.size() - at)).ok());
    REQUIRE(w.finish().ok());
    if (c != image::Compression::none)
      CHECK(packed.size() < data.size() / 2);
    auto fd = test::memfd(packed);
    image::DecompressingReader r(fd.get());
    std::string out;
    char buf[65536];
    for (;;) {
      auto n = r.read(buf, sizeof buf);
      REQUIRE(n.ok());
      if (*n == 0)
        break;
      out.append(buf, *n);
    }
    CHECK(r.compression() == c);
    CHECK(out == data);
    CHECK(r.input_digest() == sha256_digest(packed));
  }
  // An empty stream is still a valid one.
  std::string packed;
  image::CompressingWriter w(image::Compression::gzip, [&](std::string_view chunk) -> Status {
    packed.append(chunk);
    return {};
  });
  REQUIRE(w.finish().ok());
  CHECK(packed.size() > 10);
  // A sink's error stops the writer.
  image::CompressingWriter failing(image::Compression::zstd, [](std::string_view) -> Status {
    return make_error(Errc::failed, "sink full");
  });
  Status s = failing.write(data.data(), data.size());
  if (s)
    s = failing.finish();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "sink full");
}

namespace {

std::string gzip_of(const std::string &data, size_t piece) {
  std::string packed;
  image::CompressingWriter w(image::Compression::gzip, [&](std::string_view chunk) -> Status {
    packed.append(chunk);
    return {};
  });
  for (size_t at = 0; at < data.size(); at += piece)
    REQUIRE(w.write(data.data() + at, std::min(piece, data.size() - at)).ok());
  REQUIRE(w.finish().ok());
  return packed;
}

// Inflates a gzip stream member by member; returns the members' count.
size_t gunzip_members(const std::string &packed, std::string &out) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK);
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(packed.data()));
  zs.avail_in = static_cast<uInt>(packed.size());
  size_t members = 0;
  char buf[65536];
  while (zs.avail_in > 0) {
    zs.next_out = reinterpret_cast<Bytef *>(buf);
    zs.avail_out = sizeof buf;
    int r = inflate(&zs, Z_NO_FLUSH);
    REQUIRE((r == Z_OK || r == Z_STREAM_END));
    out.append(buf, sizeof buf - zs.avail_out);
    if (r == Z_STREAM_END) {
      members++;
      inflateReset(&zs);
    }
  }
  inflateEnd(&zs);
  return members;
}

} // namespace

TEST_CASE("gzip for push: 1 MiB members, the same bytes however the stream is written") {
  // 3.5 MiB: three whole blocks and a part, half of it incompressible.
  std::string data;
  uint32_t x = 1;
  while (data.size() < (7u << 19)) {
    x = x * 1103515245 + 12345;
    data += (data.size() / 4096) % 2 ? std::string(1, char(x >> 24)) : std::to_string(x % 97) + ",";
  }
  data.resize(7u << 19);
  std::string a = gzip_of(data, 100000), b = gzip_of(data, 1 << 20), c = gzip_of(data, 7);
  CHECK(a == b);
  CHECK(a == c);
  std::string out;
  CHECK(gunzip_members(a, out) == 4);
  CHECK(out == data);
  CHECK(a.size() < data.size());
  // Exactly one block's worth is one member, not one and an empty one.
  std::string one(1u << 20, 'x');
  out.clear();
  CHECK(gunzip_members(gzip_of(one, 4096), out) == 1);
  CHECK(out == one);
}
