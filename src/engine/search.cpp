#include "skiff/engine/search.hpp"

#include <unistd.h>

#include <limits>

#include "registry_access.hpp"
#include "skiff/util/strings.hpp"

namespace skiff::engine {

using registry::SearchResult;

namespace {

constexpr std::string_view kHub = "docker.io";

// One registry: `remote` is the term without the registry; `qualify`
// names Docker Hub's results with their registry too (when several
// registries are searched).
Result<std::vector<SearchResult>> search_registry(const std::string &reg, std::string remote,
                                                  const SearchRequest &r, bool qualify) {
  bool hub = reg == kHub;
  // Docker Hub stores official images under library/ but finds them without.
  if (hub && remote.rfind("library/", 0) == 0)
    remote.erase(0, 8);
  auto creds = TRY(registry::find_credentials(registry::AuthEnv::from_environment(r.access.authfile), reg));
  auto opts = TRY(client_options(reg, r.access, std::move(creds), ::geteuid() == 0));
  // Docker Hub answers searches on its index host, not its registry's.
  registry::Client client(hub ? "index.docker.io" : reg, std::move(opts), registry::curl_transport);
  if (!remote.empty()) {
    if (auto body = TRY(client.search_v1(remote, r.limit))) {
      auto results = TRY(registry::parse_v1_search(*body, fmt::format("the search answer of {}", reg)));
      if (hub && !qualify)
        return results;
      for (auto &s : results)
        s.name = std::string(reg) + "/" + (hub && s.name.find('/') == std::string::npos ? "library/" : "") + s.name;
      return results;
    }
  }
  if (hub)
    return make_error(Errc::failed, "Docker Hub's search API (https://index.docker.io/v1/search) did not answer");
  std::vector<std::string> repos;
  size_t matches = 0;
  std::optional<Error> bad;
  auto listed = client.catalog([&](const std::string &body) {
    auto page = registry::parse_catalog(body, fmt::format("the catalog of {}", reg));
    if (!page) {
      bad = std::move(page).error();
      return false;
    }
    for (auto &repo : *page) {
      matches += repo.find(remote) != std::string::npos;
      repos.push_back(std::move(repo));
    }
    return matches < static_cast<size_t>(r.limit);
  });
  if (!listed) {
    if (listed.error().code == Errc::not_found)
      return make_error(Errc::not_found,
                        "{} cannot be searched: it serves neither a search API (/v1/search) nor a catalog "
                        "(/v2/_catalog)",
                        reg);
    return std::move(listed).error();
  }
  if (bad)
    return std::move(*bad);
  return registry::match_catalog(repos, remote, reg, static_cast<size_t>(r.limit));
}

} // namespace

Result<SearchFilter> SearchFilter::parse(const std::vector<std::string> &words) {
  SearchFilter f;
  for (const auto &w : words) {
    auto kv = str::cut(w, '=');
    if (!kv)
      return make_error(Errc::invalid, "bad format of filter \"{}\" (expected name=value)", w);
    const auto &[key, value] = *kv;
    if (key == "is-official") {
      if (value != "true" && value != "false" && value != "1" && value != "0")
        return make_error(Errc::invalid, "invalid filter 'is-official={}'", value);
      f.official = value == "true" || value == "1";
    } else if (key == "stars") {
      auto n = str::to_int(value);
      if (!n || *n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max())
        return make_error(Errc::invalid, "invalid filter 'stars={}'", value);
      f.stars = std::max(f.stars, static_cast<int>(*n));
    } else {
      return make_error(Errc::invalid, "invalid filter '{}'", key);
    }
  }
  return f;
}

Result<SearchReport> search(const SearchRequest &r) {
  if (r.limit < 1 || r.limit > 100)
    return make_error(Errc::invalid, "limit {} is outside the range of [1, 100]", r.limit);
  if (r.term.find("://") != std::string::npos)
    return make_error(Errc::invalid, "invalid repository name: repository name ({}) should not have a scheme",
                      r.term);
  std::vector<std::pair<std::string, std::string>> targets;  // registry, term there
  if (registry::is_short_name(r.term)) {
    auto conf = TRY(registries_conf());
    for (const auto &reg : conf.search)
      targets.emplace_back(reg, r.term);
    if (targets.empty())
      targets.emplace_back(std::string(kHub), r.term);
  } else {
    auto slash = r.term.find('/');
    std::string reg = r.term.substr(0, slash);
    targets.emplace_back(reg == "index.docker.io" ? std::string(kHub) : reg, r.term.substr(slash + 1));
  }
  SearchReport report;
  std::vector<Error> errors;
  for (const auto &[reg, remote] : targets) {
    auto found = search_registry(reg, remote, r, targets.size() > 1);
    if (!found) {
      errors.push_back(std::move(found).error());
      continue;
    }
    for (auto &s : *found)
      if (r.filter.keeps(s))
        report.results.push_back(std::move(s));
  }
  if (errors.size() == targets.size()) {
    if (errors.size() == 1)
      return std::move(errors[0]);
    std::vector<std::string> msgs;
    for (const auto &e : errors)
      msgs.push_back(e.message);
    return make_error(Errc::failed, "no registry could be searched: {}", str::join(msgs, "; "));
  }
  for (const auto &e : errors)
    report.warnings.push_back(e.message);
  return report;
}

} // namespace skiff::engine
