#include "skiff/registry/search.hpp"

#include <nlohmann/json.hpp>

namespace skiff::registry {

using nlohmann::json;

Result<std::vector<SearchResult>> parse_v1_search(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array())
    return make_error(Errc::failed, "the search answer is not a list of results");
  std::vector<SearchResult> out;
  for (const auto &r : j["results"]) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string())
      continue;
    SearchResult s;
    s.name = r["name"].get<std::string>();
    if (auto d = r.find("description"); d != r.end() && d->is_string())
      s.description = d->get<std::string>();
    if (auto n = r.find("star_count"); n != r.end() && n->is_number_integer())
      s.stars = n->get<int>();
    if (auto o = r.find("is_official"); o != r.end() && o->is_boolean())
      s.official = o->get<bool>();
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<std::string>> parse_catalog(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("repositories") || !j["repositories"].is_array())
    return make_error(Errc::failed, "the catalog is not a list of repositories");
  std::vector<std::string> out;
  for (const auto &r : j["repositories"])
    if (r.is_string())
      out.push_back(r.get<std::string>());
  return out;
}

std::vector<SearchResult> match_catalog(const std::vector<std::string> &repos, std::string_view term,
                                        std::string_view registry, size_t limit) {
  std::vector<SearchResult> out;
  for (const auto &repo : repos) {
    if (out.size() >= limit)
      break;
    if (repo.find(term) == std::string::npos)
      continue;
    SearchResult r;
    r.name = std::string(registry) + "/" + repo;
    if (repo == term)
      out.insert(out.begin(), std::move(r));
    else
      out.push_back(std::move(r));
  }
  return out;
}

} // namespace skiff::registry
