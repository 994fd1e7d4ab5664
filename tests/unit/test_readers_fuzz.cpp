// Every reader of outside JSON, and the tar readers load and import use,
// fed mutated input: a type swapped at every field of a valid document,
// bytes flipped, cut or inserted, tar headers broken. Nothing may throw or
// crash; every refusal is one line naming the document. Deterministic: the
// random mutations come from a fixed seed.
#include <fcntl.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "scratch.hpp"
#include "skiff/image/archive_manifest.hpp"
#include "skiff/image/config.hpp"
#include "skiff/image/layer.hpp"
#include "skiff/image/tar_split.hpp"
#include "skiff/image/tar_writer.hpp"
#include "skiff/registry/auth_file.hpp"
#include "skiff/registry/manifest.hpp"
#include "skiff/registry/search.hpp"
#include "skiff/storage/blob_info.hpp"
#include "skiff/storage/container_config.hpp"
#include "skiff/storage/store.hpp"
#include "skiff/util/digest.hpp"

using namespace skiff;
using nlohmann::json;

namespace {

const std::string kD1 = "sha256:" + std::string(64, '1');
const std::string kD2 = "sha256:" + std::string(64, '2');
const std::string kHex = std::string(64, 'a');

// A reader under test: a valid document and how to read it. `source` is
// what its errors must start with.
struct Reader {
  std::string name, source;
  std::string valid;
  std::function<Status(const std::string &)> read;
};

template <typename T> Status status_of(const Result<T> &r) {
  return r ? Status{} : Status(r.error());
}

std::vector<Reader> readers() {
  std::string config = json{{"architecture", "amd64"},
                            {"os", "linux"},
                            {"created", "2026-01-01T00:00:00Z"},
                            {"author", "a"},
                            {"comment", "c"},
                            {"config",
                             {{"User", "u"},
                              {"Env", {"A=1"}},
                              {"Entrypoint", {"/e"}},
                              {"Cmd", {"c"}},
                              {"WorkingDir", "/w"},
                              {"Volumes", {{"/v", json::object()}}},
                              {"ExposedPorts", {{"80/tcp", json::object()}}},
                              {"Labels", {{"k", "v"}}},
                              {"StopSignal", "SIGINT"},
                              {"Healthcheck", {{"Test", {"CMD", "true"}}, {"Interval", 1}, {"Retries", 2}}}}},
                            {"rootfs", {{"type", "layers"}, {"diff_ids", {kD1, kD2}}}},
                            {"history", {{{"created_by", "x"}, {"empty_layer", true}}, {{"comment", "y"}}}}}
                           .dump();
  std::string descriptor_list =
      json{{"schemaVersion", 2},
           {"mediaType", "application/vnd.oci.image.index.v1+json"},
           {"manifests",
            {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"digest", kD1},
              {"size", 10},
              {"platform", {{"os", "linux"}, {"architecture", "amd64"}, {"variant", "v1"}}}}}}}
          .dump();
  std::string image_manifest =
      json{{"schemaVersion", 2},
           {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
           {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"}, {"digest", kD1}, {"size", 5}}},
           {"layers",
            {{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"}, {"digest", kD2}, {"size", 7},
              {"urls", {"https://x"}}}}}}
          .dump();
  std::string container = storage::ContainerConfig{}.to_json().dump();
  {
    storage::ContainerConfig c;
    c.id = kHex;
    c.name = "n";
    c.labels = {{"a", "b"}};
    c.mounts = {{"volume", "v", "/d", true, true, {"size=1"}}};
    c.ulimits = {{"nofile", 1, 2}};
    c.limits.memory = 5;
    c.limits.cpus = 1.5;
    c.limits.pids = 9;
    c.healthcheck = image::Healthcheck{{"NONE"}, 1, 2, 3, 4, 5};
    container = c.to_json().dump();
  }
  std::string auths = json{{"auths", {{"quay.io", {{"auth", "dTpw"}, {"username", "u"}, {"password", "p"}}}}},
                           {"credHelpers", {{"quay.io", "pass"}}},
                           {"credsStore", "x"}}
                          .dump();
  return {
      {"docker manifest.json", "manifest.json",
       json{{{"Config", "c.json"}, {"RepoTags", {"a:1", "b"}}, {"Layers", {"l/layer.tar"}}}}.dump(),
       [](const std::string &t) { return status_of(image::read_docker_manifest(t)); }},
      {"OCI index.json", "index.json",
       json{{"schemaVersion", 2},
            {"manifests",
             {{{"digest", kD1},
               {"size", 3},
               {"annotations", {{"io.containerd.image.name", "docker.io/x/y:1"},
                                {"org.opencontainers.image.ref.name", "reg/z:2"}}}}}}}
           .dump(),
       [](const std::string &t) { return status_of(image::read_oci_index(t)); }},
      {"OCI image manifest in an archive", "blobs/sha256/",
       image_manifest,
       [](const std::string &t) {
         image::OciIndexEntry e{sha256_digest(t), "blobs/sha256/" + sha256_hex(t), std::nullopt};
         return status_of(image::read_oci_manifest(t, e));
       }},
      {"image config", "the config", config,
       [](const std::string &t) { return status_of(image::ImageConfig::parse(t, "the config")); }},
      {"registry manifest", "the manifest", image_manifest,
       [](const std::string &t) { return status_of(registry::parse_manifest(t, "", "the manifest")); }},
      {"registry index", "the manifest", descriptor_list,
       [](const std::string &t) { return status_of(registry::parse_manifest(t, "", "the manifest")); }},
      {"search answer", "the answer",
       json{{"results", {{{"name", "n"}, {"description", "d"}, {"star_count", 3}, {"is_official", true}}}}}.dump(),
       [](const std::string &t) { return status_of(registry::parse_v1_search(t, "the answer")); }},
      {"catalog", "the catalog", json{{"repositories", {"a", "b"}}}.dump(),
       [](const std::string &t) { return status_of(registry::parse_catalog(t, "the catalog")); }},
      {"images.json", "images.json",
       json{{{"id", kHex}, {"names", {"docker.io/library/a:1"}}, {"digests", {"docker.io/library/a@" + kD1}},
             {"layers", {kHex}}, {"created", 5}, {"size", 6}}}
           .dump(),
       [](const std::string &t) { return status_of(storage::parse_image_index(t, "images.json")); }},
      {"layer.json", "layer.json",
       json{{"diff_id", kD1}, {"parent", kHex}, {"digest", kD2}, {"size", 3}}.dump(),
       [](const std::string &t) { return status_of(storage::parse_layer_record(t, kHex, "layer.json")); }},
      {"container config.json", "config.json", container,
       [](const std::string &t) { return status_of(storage::ContainerConfig::parse(t, "config.json")); }},
      {"container state.json", "state.json", storage::ContainerState{}.to_json().dump(),
       [](const std::string &t) { return status_of(storage::ContainerState::parse(t, "state.json")); }},
      {"auth file", "auth.json", auths,
       [](const std::string &t) -> Status {
         TRY_STATUS(status_of(registry::lookup_credentials(t, "quay.io/x", "auth.json")));
         return status_of(registry::credential_helper(t, "quay.io/x", "auth.json"));
       }},
  };
}

// Every value in `j` with its JSON pointer, the document itself first.
void pointers(const json &j, const json::json_pointer &at, std::vector<json::json_pointer> &out) {
  out.push_back(at);
  if (j.is_object())
    for (const auto &[k, v] : j.items())
      pointers(v, at / k, out);
  else if (j.is_array())
    for (size_t i = 0; i < j.size(); i++)
      pointers(j[i], at / i, out);
}

const std::vector<json> kSwaps = {5, -1, 1.5, 18446744073709551615ull, "x", "", true, nullptr,
                                  json::array(), json{5}, json::object(), json{{"k", 5}}};

// Runs a reader, which must not throw, and checks how it refuses.
size_t refusals = 0;
void check(const Reader &r, const std::string &text, const std::string &what) {
  INFO(r.name << ": " << what << ": " << text.substr(0, 300));
  Status st;
  REQUIRE_NOTHROW(st = r.read(text));
  if (st)
    return;
  refusals++;
  const std::string &m = st.error().message;
  INFO("error: " << m);
  CHECK(m.find('\n') == std::string::npos);
  CHECK(m.rfind(r.source, 0) == 0);
}

std::string mutate_bytes(std::string s, std::mt19937 &rng) {
  static const std::string inserts = "{}[]\":,0-1e.x\\ \x00\xff";
  int n = 1 + static_cast<int>(rng() % 3);
  for (int k = 0; k < n && !s.empty(); k++) {
    size_t p = rng() % s.size();
    switch (rng() % 4) {
    case 0: s[p] = static_cast<char>(s[p] ^ static_cast<char>(1 + rng() % 255)); break;
    case 1: s.erase(p, 1); break;
    case 2: s.insert(p, 1, inserts[rng() % inserts.size()]); break;
    default: s.resize(p); break;
    }
  }
  return s;
}

} // namespace

TEST_CASE("readers: the valid documents read", "[fuzz]") {
  for (const auto &r : readers()) {
    INFO(r.name);
    auto st = r.read(r.valid);
    INFO((st ? "" : st.error().message));
    CHECK(st);
  }
}

TEST_CASE("readers: a wrong type at every field is refused or read, never thrown", "[fuzz]") {
  refusals = 0;
  size_t cases = 0;
  for (const auto &r : readers()) {
    json doc = json::parse(r.valid);
    std::vector<json::json_pointer> all;
    pointers(doc, json::json_pointer(), all);
    for (const auto &p : all)
      for (const auto &swap : kSwaps) {
        if (swap.type() == doc.at(p).type())
          continue;
        json changed = doc;
        changed[p] = swap;
        check(r, changed.dump(), p.to_string() + " = " + swap.dump());
        cases++;
      }
  }
  CHECK(cases > 1000);
  CHECK(refusals > cases / 2);
}

TEST_CASE("blob-info.json, a cache, drops what does not read and never throws", "[fuzz]") {
  json doc = json{{{"digest", kD1}, {"diff_id", kD2}, {"compression", "gzip"}, {"size", 5},
                   {"repositories", {"r/a", "r/b"}}}};
  REQUIRE(storage::blob_infos_from_json(doc).size() == 1);
  std::vector<json::json_pointer> all;
  pointers(doc, json::json_pointer(), all);
  for (const auto &p : all)
    for (const auto &swap : kSwaps) {
      json changed = doc;
      changed[p] = swap;
      INFO(p.to_string() << " = " << swap.dump());
      REQUIRE_NOTHROW(storage::blob_infos_from_json(changed));
    }
}

TEST_CASE("readers: flipped, cut and inserted bytes", "[fuzz]") {
  std::mt19937 rng(20261205);
  for (const auto &r : readers())
    for (int i = 0; i < 300; i++)
      check(r, mutate_bytes(r.valid, rng), "mutated bytes");
}

namespace {

std::string sample_tar() {
  std::string out;
  image::TarWriter w([&](const void *p, size_t n) -> Status {
    out.append(static_cast<const char *>(p), n);
    return {};
  });
  auto ok = [](const Status &s) { REQUIRE(s); };
  image::TarHeader d;
  d.name = "dir/";
  d.type = S_IFDIR;
  d.perm = 0755;
  ok(w.header(d));
  ok(w.add_file("dir/a.txt", "hello\n"));
  ok(w.add_file(std::string(150, 'n') + "/long name with pax", std::string(700, 'x')));
  image::TarHeader l;
  l.name = "dir/link";
  l.type = S_IFLNK;
  l.link = "a.txt";
  ok(w.header(l));
  image::TarHeader x;
  x.name = "dir/.wh.gone";
  ok(w.header(x));
  ok(w.add_file("dir/tagged", "t"));
  ok(w.close());
  return out;
}

std::string mutate_tar(std::string t, std::mt19937 &rng) {
  size_t blocks = t.size() / 512;
  switch (rng() % 3) {
  case 0: {  // a header-ish block: flip a few bytes in one block
    size_t b = rng() % blocks;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 4); k < n; k++)
      t[b * 512 + rng() % 512] ^= static_cast<char>(1 + rng() % 255);
    break;
  }
  case 1: t.resize(rng() % t.size()); break;
  default: {  // a number field rewritten: sizes, modes, checksums
    size_t b = rng() % blocks;
    static const size_t fields[] = {100, 108, 116, 124, 136, 148, 156, 329, 337};
    size_t f = fields[rng() % std::size(fields)];
    for (size_t i = 0; i < 8; i++)
      t[b * 512 + f + i] = "0123456789 \x80\xff"[rng() % 13];
  }
  }
  return t;
}

} // namespace

TEST_CASE("tar readers: mutated layer tars never crash the split recorder or extraction", "[fuzz]") {
  std::mt19937 rng(20261206);
  std::string base = sample_tar();
  size_t refused = 0;
  for (int i = 0; i < 150; i++) {
    std::string t = mutate_tar(base, rng);
    INFO("case " << i);
    // The recorder alone, in chunks of every size.
    uint64_t recorded = 0;
    image::TarSplitRecorder rec([&](std::string_view s) { recorded += s.size(); });
    for (size_t at = 0; at < t.size();) {
      size_t n = std::min<size_t>(t.size() - at, 1 + rng() % 1500);
      rec.feed(reinterpret_cast<const uint8_t *>(t.data() + at), n);
      at += n;
    }
    rec.finish();
    CHECK(rec.stream_size() == t.size());
    // Extraction with the recorder, as a layer is stored.
    test::TempDir dest, split;
    auto fd = test::memfd(t);
    UniqueFd split_fd(::open((split.path + "/tar-split").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    image::LayerApplyOptions opts;
    opts.tar_split_fd = split_fd.get();
    Result<image::LayerInfo> r = make_error(Errc::failed, "not run");
    REQUIRE_NOTHROW(r = image::apply_layer(fd.get(), dest.fd.get(), opts));
    if (!r) {
      refused++;
      CHECK(r.error().message.find('\n') == std::string::npos);
    }
    // And as the outer archive of a load.
    test::TempDir outer;
    auto fd2 = test::memfd(t);
    Status st;
    REQUIRE_NOTHROW(st = image::extract_archive(fd2.get(), outer.path));
    if (!st)
      CHECK(st.error().message.find('\n') == std::string::npos);
  }
  CHECK(refused > 30);
}
