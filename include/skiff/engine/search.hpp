// search: images in registries. Docker Hub's search API for docker.io;
// other registries through their /v1/search where they serve it, else
// their /v2/_catalog filtered by the term (podman's way). A short term
// searches the registries.conf search list (Docker Hub without one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skiff/engine/pull.hpp"
#include "skiff/registry/search.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

// One repository a search found (name, description, stars, official).
using SearchResult = registry::SearchResult;

// Docker's search filters: is-official=BOOL and stars=N (the highest of
// several). Pure.
struct SearchFilter {
  std::optional<bool> official;
  int stars = 0;

  static Result<SearchFilter> parse(const std::vector<std::string> &words);
  bool keeps(const registry::SearchResult &r) const { return (!official || r.official == *official) && r.stars >= stars; }
};

struct SearchRequest {
  std::string term;
  int64_t limit = 25;  // per registry searched, 1 to 100
  SearchFilter filter;
  RegistryAccess access;
};

struct SearchReport {
  std::vector<registry::SearchResult> results;
  // Registries that could not be searched while others could.
  std::vector<std::string> warnings;
};

// Fails when no registry could be searched.
Result<SearchReport> search(const SearchRequest &r);

} // namespace skiff::engine
