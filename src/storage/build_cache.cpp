// The build cache's entries (build_cache.hpp).
#include "skiff/storage/build_cache.hpp"

#include <unistd.h>

#include <cerrno>

#include <nlohmann/json.hpp>

#include "skiff/util/fs.hpp"
#include "skiff/util/json_read.hpp"

namespace skiff::storage {

namespace {

bool valid_key(const std::string &key) {
  return key.size() == 64 && key.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string entry_path(const Store &store, const std::string &key) {
  return build_cache_dir(store) + "/" + key + ".json";
}

} // namespace

std::string build_cache_dir(const Store &store) { return store.root() + "/buildcache"; }

std::optional<BuildCacheEntry> read_build_cache(const Store &store, const std::string &key) {
  if (!valid_key(key))
    return std::nullopt;
  auto text = fs::read_file(entry_path(store, key));
  if (!text)
    return std::nullopt;
  auto doc = JsonDoc::parse(*text, key, Errc::failed);
  if (!doc)
    return std::nullopt;
  JsonField j = doc->root();
  BuildCacheEntry e;
  e.key = key;
  e.layers = j["layers"].as_strings();
  e.diff_id = j["diff_id"].as_string();
  e.created = j["created"].as_int<int64_t>();
  e.last_used = j["last_used"].as_int<int64_t>();
  e.size = j["size"].as_int<int64_t>();
  e.description = j["description"].as_string();
  if (!doc->status())
    return std::nullopt;
  return e;
}

Status write_build_cache(const Store &store, const BuildCacheEntry &e) {
  if (!valid_key(e.key))
    return make_error(Errc::invalid, "invalid build cache key {}", e.key);
  TRY_STATUS(fs::mkdir_p(build_cache_dir(store), 0700));
  nlohmann::json j{{"layers", e.layers}, {"diff_id", e.diff_id}, {"created", e.created},
                   {"last_used", e.last_used}, {"size", e.size}, {"description", e.description}};
  return fs::write_file_atomic(entry_path(store, e.key), j.dump(), false, 0600);
}

Result<std::vector<BuildCacheEntry>> build_cache_entries(const Store &store) {
  std::vector<BuildCacheEntry> out;
  if (!fs::is_dir(build_cache_dir(store)))
    return out;
  for (const auto &n : TRY(fs::list_dir(build_cache_dir(store)))) {
    if (!n.ends_with(".json"))
      continue;
    if (auto e = read_build_cache(store, n.substr(0, n.size() - 5)))
      out.push_back(std::move(*e));
  }
  return out;
}

Status remove_build_cache(const Store &store, const std::string &key) {
  if (!valid_key(key))
    return make_error(Errc::invalid, "invalid build cache key {}", key);
  if (::unlink(entry_path(store, key).c_str()) < 0 && errno != ENOENT)
    return sys_error("removing build cache entry {}", key);
  return {};
}

} // namespace skiff::storage
