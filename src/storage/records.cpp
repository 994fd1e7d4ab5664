// The store's index files as JSON: images.json and each layer's layer.json.
// They are read by type like anything from outside: a damaged file is an
// error naming it and the field, never a crash.
#include "skiff/storage/store.hpp"

#include <nlohmann/json.hpp>

#include "skiff/util/digest.hpp"
#include "skiff/util/json_read.hpp"

namespace skiff::storage {

using nlohmann::json;

namespace {

// Image IDs and chain IDs name files in the store: 64 hex digits only.
std::string hex_id(const JsonField &f) {
  std::string s = f.required().as_string();
  if (f.present() && f.raw().is_string() && (s.size() != 64 || !is_hex(s))) {
    f.fail("expected 64 hex digits");
    return {};
  }
  return s;
}

} // namespace

json ImageRecord::to_json() const {
  return {{"id", id},         {"names", names},     {"digests", digests},
          {"layers", layers}, {"created", created}, {"size", size}};
}

Result<std::vector<ImageRecord>> parse_image_index(std::string_view text, const std::string &source) {
  auto doc = TRY(JsonDoc::parse(text, source, Errc::failed));
  std::vector<ImageRecord> out;
  for (const auto &e : doc.root().elements()) {
    ImageRecord r;
    r.id = hex_id(e["id"]);
    r.names = e["names"].as_strings();
    r.digests = e["digests"].as_strings();
    for (const auto &l : e["layers"].elements())
      r.layers.push_back(hex_id(l));
    r.created = e["created"].as_int<int64_t>();
    r.size = e["size"].as_int<int64_t>();
    out.push_back(std::move(r));
  }
  TRY_STATUS(doc.status());
  return out;
}

json LayerRecord::to_json() const {
  return {{"diff_id", diff_id}, {"parent", parent}, {"digest", digest}, {"size", size}};
}

Result<LayerRecord> parse_layer_record(std::string_view text, const std::string &chain_id,
                                       const std::string &source) {
  auto doc = TRY(JsonDoc::parse(text, source, Errc::failed));
  JsonField j = doc.root();
  LayerRecord r;
  r.chain_id = chain_id;
  r.diff_id = j["diff_id"].required().as_digest();
  r.parent = j["parent"].as_string();
  if (!r.parent.empty())
    r.parent = hex_id(j["parent"]);
  r.digest = j["digest"].as_digest();
  r.size = j["size"].as_int<int64_t>();
  TRY_STATUS(doc.status());
  return r;
}

} // namespace skiff::storage
