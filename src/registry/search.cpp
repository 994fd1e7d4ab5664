#include "skiff/registry/search.hpp"

#include "skiff/util/json_read.hpp"

namespace skiff::registry {

Result<std::vector<SearchResult>> parse_v1_search(std::string_view body, const std::string &source) {
  auto doc = TRY(JsonDoc::parse(body, source));
  std::vector<SearchResult> out;
  for (const auto &r : doc.root()["results"].required().elements()) {
    SearchResult s;
    s.name = r["name"].as_string();
    s.description = r["description"].as_string();
    s.stars = r["star_count"].as_int<int>();
    s.official = r["is_official"].as_bool();
    if (!s.name.empty())
      out.push_back(std::move(s));
  }
  TRY_STATUS(doc.status());
  return out;
}

Result<std::vector<std::string>> parse_catalog(std::string_view body, const std::string &source) {
  auto doc = TRY(JsonDoc::parse(body, source));
  std::vector<std::string> out;
  for (const auto &r : doc.root()["repositories"].required().elements())
    out.push_back(r.required().as_string());
  TRY_STATUS(doc.status());
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
