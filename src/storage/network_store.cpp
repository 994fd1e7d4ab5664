#include "skiff/storage/network_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <nlohmann/json.hpp>

#include "skiff/util/fs.hpp"
#include "skiff/util/json_read.hpp"
#include "skiff/util/timefmt.hpp"

namespace skiff::storage {

using nlohmann::json;

json NetworkRecord::to_json() const {
  json subs = json::array();
  for (const auto &s : subnets)
    subs.push_back({{"subnet", s.subnet},
                    {"gateway", s.gateway},
                    {"ip_range", s.ip_range},
                    {"user_subnet", s.user_subnet},
                    {"user_gateway", s.user_gateway}});
  return {{"id", id},
          {"name", name},
          {"created", timefmt::rfc3339nano(created)},
          {"driver", driver},
          {"subnets", subs},
          {"ipv6", ipv6},
          {"internal", internal},
          {"labels", labels},
          {"options", options},
          {"bridge", bridge}};
}

static bool is_hex_id(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<NetworkRecord> parse_network_record(std::string_view text, const std::string &source) {
  auto doc = TRY(JsonDoc::parse(text, source, Errc::failed));
  JsonField r = doc.root();
  NetworkRecord n;
  n.id = r["id"].required().as_string();
  n.name = r["name"].required().as_string();
  auto created = r["created"].required();
  auto t = timefmt::parse_rfc3339(created.as_string());
  if (!t && created.present())
    created.fail("not an RFC 3339 time");
  n.created = t.value_or(0);
  n.driver = r["driver"].required().as_string();
  for (const auto &s : r["subnets"].elements())
    n.subnets.push_back({s["subnet"].required().as_string(), s["gateway"].as_string(), s["ip_range"].as_string(),
                         s["user_subnet"].as_bool(), s["user_gateway"].as_bool()});
  n.ipv6 = r["ipv6"].as_bool();
  n.internal = r["internal"].as_bool();
  n.labels = r["labels"].as_string_map();
  n.options = r["options"].as_string_map();
  n.bridge = r["bridge"].as_string();
  if (!n.id.empty() && !is_hex_id(n.id))
    r["id"].fail("not a 64-hex ID");
  TRY_STATUS(doc.status());
  return n;
}

bool is_predefined_network(std::string_view name) { return name == "bridge" || name == "host" || name == "none"; }

Result<NetworkRecord> find_network_in(const std::vector<NetworkRecord> &all, std::string_view ref) {
  std::vector<const NetworkRecord *> by_name, by_prefix;
  for (const auto &n : all) {
    if (n.id == ref)
      return n;
    if (n.name == ref)
      by_name.push_back(&n);
    if (!ref.empty() && n.id.starts_with(ref))
      by_prefix.push_back(&n);
  }
  if (by_name.size() == 1)
    return *by_name[0];
  if (by_name.size() > 1)
    return make_error(Errc::invalid, "network {} is ambiguous ({} matches found on name)", ref, by_name.size());
  if (by_prefix.size() == 1)
    return *by_prefix[0];
  if (by_prefix.size() > 1)
    return make_error(Errc::invalid, "network {} is ambiguous ({} matches found based on ID prefix)", ref,
                      by_prefix.size());
  return make_error(Errc::not_found, "network {} not found", ref);
}

Result<FileLock> NetworkStore::lock() const {
  TRY_STATUS(fs::mkdir_p(dir_, 0700));
  return FileLock::acquire(dir_ + ".lock");
}

Result<std::vector<NetworkRecord>> NetworkStore::list() const {
  std::vector<NetworkRecord> out;
  for (const auto &f : TRY(fs::list_dir(dir_))) {
    if (!f.ends_with(".json") || !is_hex_id(std::string_view(f).substr(0, f.size() - 5)))
      continue;
    std::string path = dir_ + "/" + f;
    auto text = fs::read_file(path);
    if (!text)
      continue;  // removed since the listing
    out.push_back(TRY(parse_network_record(*text, path)));
  }
  std::sort(out.begin(), out.end(), [](const NetworkRecord &a, const NetworkRecord &b) { return a.name < b.name; });
  return out;
}

Status NetworkStore::write(const NetworkRecord &n) const {
  TRY_STATUS(fs::mkdir_p(dir_, 0700));
  return fs::write_file_atomic(dir_ + "/" + n.id + ".json", n.to_json().dump(), true, 0600);
}

Status NetworkStore::remove(const std::string &id) const {
  std::string path = dir_ + "/" + id + ".json";
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return sys_error("removing {}", path);
  return fs::fsync_dir(dir_);
}

void NetworkStore::sweep_temp_files() const {
  for (const auto &f : fs::list_dir(dir_).value_or({}))
    if (f.find(".json.tmp-") != std::string::npos)
      (void)fs::remove_all(dir_ + "/" + f);
}

} // namespace skiff::storage
