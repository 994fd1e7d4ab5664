// Search results as the registries give them: Docker Hub's (and other
// registries') /v1/search answers, and names from a registry's
// /v2/_catalog that contain the term, as podman matches them. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::registry {

struct SearchResult {
  std::string name;
  std::string description;
  int stars = 0;
  bool official = false;
};

// The "results" of a /v1/search answer (entries without a name are
// skipped); problems name `source`.
Result<std::vector<SearchResult>> parse_v1_search(std::string_view body, const std::string &source);

// The repositories of a /v2/_catalog page ({"repositories": [...]}).
Result<std::vector<std::string>> parse_catalog(std::string_view body, const std::string &source);

// Catalog repositories containing `term`, named "registry/repo", at most
// `limit`; an exact match comes first.
std::vector<SearchResult> match_catalog(const std::vector<std::string> &repos, std::string_view term,
                                        std::string_view registry, size_t limit);

} // namespace skiff::registry
