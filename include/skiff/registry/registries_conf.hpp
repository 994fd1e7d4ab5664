// containers-registries.conf(5), as podman reads it, for what skiff uses:
// the registries short names are searched in, and per-registry
// `insecure` and `blocked`. Version 2 (unqualified-search-registries,
// [[registry]]) and the older version 1 ([registries.search] ...). Pure:
// the engine finds and reads the files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/image/reference.hpp"
#include "skiff/util/result.hpp"

namespace skiff::registry {

struct RegistryEntry {
  std::string prefix;    // the references it applies to: "host[:port][/path]" or "*.domain"
  std::string location;  // where they are pulled from; empty for a wildcard prefix
  bool insecure = false; // plain HTTP and unverified certificates allowed
  bool blocked = false;  // pulls refused
  // `insecure` was written (true or false): it then decides, where
  // otherwise a registry on this machine is insecure (registry/local.hpp).
  bool insecure_set = false;
};

struct RegistriesConf {
  std::vector<std::string> search;  // unqualified-search-registries, in order
  bool search_set = false;          // the key was there (an empty list means none)
  std::vector<RegistryEntry> registries;

  // One file's text; `name` (its path) prefixes errors.
  static Result<RegistriesConf> parse(std::string_view text, std::string_view name);
  // A drop-in read after this file: its search list replaces ours when it
  // has one, its entries replace ours with the same prefix.
  void merge(RegistriesConf later);

  // The entry for a repository ("host:port/path"): the longest matching
  // prefix, whole path components only; nullptr when none.
  const RegistryEntry *find(std::string_view repository) const;

  // What a name as typed may mean, in the order to try: a short name in
  // each search registry (docker.io when none is listed, as Docker has
  // it); any other name is itself.
  Result<std::vector<image::Reference>> candidates(std::string_view text) const;
};

// Whether a name as typed lacks a registry ("busybox", "team/app"):
// Docker's rule, the first component holds no '.' or ':' and is not
// "localhost".
bool is_short_name(std::string_view text);

} // namespace skiff::registry
