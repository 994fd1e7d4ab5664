#include "skiff/registry/registries_conf.hpp"

#include <algorithm>

// Header-only and exceptions off: a parse error is a value
// (toml::parse_result), as errors are here. Only this file includes toml++.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace skiff::registry {

namespace {

Result<std::vector<std::string>> string_list(const toml::node &n, std::string_view key, std::string_view name) {
  const toml::array *a = n.as_array();
  if (!a)
    return make_error(Errc::invalid, "{}: {} must be a list of strings", name, key);
  std::vector<std::string> out;
  for (const auto &v : *a) {
    const auto *s = v.as_string();
    if (!s)
      return make_error(Errc::invalid, "{}: {} must be a list of strings", name, key);
    out.push_back(s->get());
  }
  return out;
}

Result<bool> boolean(const toml::table &table, const char *key, std::string_view name) {
  const toml::node *n = table.get(key);
  if (!n)
    return false;
  if (!n->is_boolean())
    return make_error(Errc::invalid, "{}: {} must be true or false", name, key);
  return n->as_boolean()->get();
}

Result<std::string> text(const toml::table &table, const char *key, std::string_view name) {
  const toml::node *n = table.get(key);
  if (!n)
    return std::string();
  if (!n->is_string())
    return make_error(Errc::invalid, "{}: {} must be a string", name, key);
  return n->as_string()->get();
}

// A host[:port] to search short names in: no scheme, no path.
Status check_search_registry(const std::string &r, std::string_view name) {
  if (r.empty() || r.find('/') != std::string::npos)
    return make_error(Errc::invalid,
                      "{}: unqualified-search-registries: \"{}\" is not a registry (host[:port], no "
                      "scheme or path)",
                      name, r);
  return {};
}

Result<RegistryEntry> entry(const toml::node &n, std::string_view name) {
  const toml::table *table = n.as_table();
  if (!table)
    return make_error(Errc::invalid, "{}: [[registry]] must be a table", name);
  const toml::table &t = *table;
  RegistryEntry e;
  e.location = TRY(text(t, "location", name));
  e.prefix = TRY(text(t, "prefix", name));
  e.insecure = TRY(boolean(t, "insecure", name));
  e.insecure_set = t.contains("insecure");
  e.blocked = TRY(boolean(t, "blocked", name));
  while (!e.location.empty() && e.location.back() == '/')
    e.location.pop_back();
  if (e.location.find("://") != std::string::npos)
    return make_error(Errc::invalid, "{}: location \"{}\" must not have a scheme", name, e.location);
  if (e.prefix.empty())
    e.prefix = e.location;
  if (e.prefix.empty())
    return make_error(Errc::invalid, "{}: a [[registry]] needs a location or a prefix", name);
  bool wildcard = e.prefix.rfind("*.", 0) == 0;
  if (e.prefix.find('*') != std::string::npos &&
      (!wildcard || e.prefix.find_first_of("*/:", 1) != std::string::npos))
    return make_error(Errc::invalid, "{}: prefix \"{}\": a wildcard is only allowed as *.domain", name,
                      e.prefix);
  if (e.location.empty() && !wildcard)
    e.location = e.prefix;
  return e;
}

// Version 1: [registries.search], [registries.insecure], [registries.block],
// each with `registries = [...]`.
Status parse_v1(const toml::node &n, RegistriesConf &c, std::string_view name) {
  const toml::table *v1 = n.as_table();
  if (!v1)
    return make_error(Errc::invalid, "{}: registries must be a table", name);
  auto list = [&](const char *section) -> Result<std::vector<std::string>> {
    const toml::table *t = v1->get_as<toml::table>(section);
    const toml::node *r = t ? t->get("registries") : nullptr;
    if (!r)
      return std::vector<std::string>{};
    return string_list(*r, std::string("registries.") + section + ".registries", name);
  };
  if (v1->contains("search")) {
    c.search = TRY(list("search"));
    c.search_set = true;
    for (const auto &r : c.search)
      TRY_STATUS(check_search_registry(r, name));
  }
  auto mark = [&](const std::string &r, bool RegistryEntry::*field) {
    auto it = std::find_if(c.registries.begin(), c.registries.end(),
                           [&](const RegistryEntry &e) { return e.prefix == r; });
    if (it == c.registries.end()) {
      c.registries.push_back({r, r, false, false});
      it = std::prev(c.registries.end());
    }
    (*it).*field = true;
  };
  for (const auto &r : TRY(list("insecure"))) {
    mark(r, &RegistryEntry::insecure);
    mark(r, &RegistryEntry::insecure_set);
  }
  for (const auto &r : TRY(list("block")))
    mark(r, &RegistryEntry::blocked);
  return {};
}

// containers/image's refMatchingPrefix: how much of `repository` the
// prefix covers, or -1.
int matching_length(std::string_view repository, std::string_view prefix) {
  if (prefix.rfind("*.", 0) == 0) {
    std::string_view domain = repository.substr(0, repository.find('/'));
    std::string_view suffix = prefix.substr(1);
    return domain.size() > suffix.size() && domain.substr(domain.size() - suffix.size()) == suffix
               ? static_cast<int>(prefix.size())
               : -1;
  }
  if (repository.rfind(prefix, 0) != 0)
    return -1;
  if (repository.size() == prefix.size() || repository[prefix.size()] == '/')
    return static_cast<int>(prefix.size());
  return -1;
}

} // namespace

Result<RegistriesConf> RegistriesConf::parse(std::string_view text_, std::string_view name) {
  toml::parse_result doc = toml::parse(text_);
  if (!doc)
    return make_error(Errc::invalid, "{}: line {}: {}", name, doc.error().source().begin.line,
                      doc.error().description());
  const toml::table &t = doc.table();
  RegistriesConf c;
  bool v2 = t.contains("unqualified-search-registries") || t.contains("registry");
  if (const toml::node *v1 = t.get("registries")) {
    if (v2)
      return make_error(Errc::invalid,
                        "{}: mixes the version 1 format ([registries.*]) with version 2 "
                        "(unqualified-search-registries, [[registry]])",
                        name);
    TRY_STATUS(parse_v1(*v1, c, name));
    return c;
  }
  if (const toml::node *n = t.get("unqualified-search-registries")) {
    c.search = TRY(string_list(*n, "unqualified-search-registries", name));
    c.search_set = true;
    for (const auto &r : c.search)
      TRY_STATUS(check_search_registry(r, name));
  }
  if (const toml::node *n = t.get("registry")) {
    const toml::array *entries = n->as_array();
    if (!entries)
      return make_error(Errc::invalid, "{}: registry must be an array of tables ([[registry]])", name);
    for (const auto &node : *entries) {
      auto e = TRY(entry(node, name));
      for (const auto &other : c.registries)
        if (other.prefix == e.prefix)
          return make_error(Errc::invalid, "{}: prefix \"{}\" has two [[registry]] entries", name, e.prefix);
      c.registries.push_back(std::move(e));
    }
  }
  return c;
}

void RegistriesConf::merge(RegistriesConf later) {
  if (later.search_set) {
    search = std::move(later.search);
    search_set = true;
  }
  for (auto &e : later.registries) {
    auto it = std::find_if(registries.begin(), registries.end(),
                           [&](const RegistryEntry &mine) { return mine.prefix == e.prefix; });
    if (it != registries.end())
      *it = std::move(e);
    else
      registries.push_back(std::move(e));
  }
}

const RegistryEntry *RegistriesConf::find(std::string_view repository) const {
  const RegistryEntry *best = nullptr;
  int best_len = -1;
  for (const auto &e : registries) {
    int n = matching_length(repository, e.prefix);
    if (n > best_len) {
      best = &e;
      best_len = n;
    }
  }
  return best;
}

Result<std::vector<image::Reference>> RegistriesConf::candidates(std::string_view text) const {
  if (!is_short_name(text) || search.empty())
    return std::vector<image::Reference>{TRY(image::parse_reference(text))};
  std::vector<image::Reference> out;
  for (const auto &r : search)
    out.push_back(TRY(image::parse_reference(r + "/" + std::string(text))));
  return out;
}

bool is_short_name(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return true;
  std::string_view head = text.substr(0, slash);
  return head.find_first_of(".:") == std::string_view::npos && head != "localhost";
}

} // namespace skiff::registry
