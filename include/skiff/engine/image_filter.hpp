// Docker's --filter for images and image prune: which keys exist, how
// values of one key combine (OR for reference, AND for label, the last for
// before and since) and how keys combine (AND). Pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skiff/image/reference.hpp"
#include "skiff/util/result.hpp"

namespace skiff::engine {

struct ImageFilter {
  std::optional<bool> dangling;
  std::vector<std::string> references; // glob patterns; any may match
  std::optional<std::string> before;   // an image name or ID
  std::optional<std::string> since;
  std::vector<std::string> labels;     // "KEY" or "KEY=VALUE"; all must match
  std::vector<std::string> not_labels; // label!: an image matching them all is kept
  std::optional<int64_t> until;        // ns: only images created before

  // The image's own properties against the filter: `labels` are its
  // config's, `tagged` whether it has a name. before, since and reference
  // are the caller's (they need other images, or pick names).
  bool keeps(const std::map<std::string, std::string> &image_labels, int64_t created, bool tagged) const;
};

// Parses --filter words ("KEY=VALUE") allowing only the `accepted` keys;
// `now` anchors relative until values ("24h").
Result<ImageFilter> parse_image_filter(const std::vector<std::string> &words,
                                       const std::vector<std::string_view> &accepted, int64_t now);

// Go's path.Match: '*' and '?' never match '/', [...] classes, '\' escapes.
// A malformed pattern is an error.
Result<bool> glob_match(std::string_view pattern, std::string_view name);

// Docker's FamiliarMatch: the pattern against "busybox:latest", then "busybox".
Result<bool> reference_matches(std::string_view pattern, const image::Reference &ref);

// One --filter word of `ps` or `volume ls`/`prune` split into key and
// value, the key one of `accepted`: Docker's errors otherwise.
Result<std::pair<std::string, std::string>> filter_word(const std::string &word,
                                                        const std::vector<std::string_view> &accepted);

// Docker's Args.Match: one of `patterns` equals `s` or, as a regular
// expression, is found in it (one that does not compile matches nothing).
bool any_value_matches(const std::vector<std::string> &patterns, const std::string &s);

// All "KEY" / "KEY=VALUE" conditions hold for `labels`.
bool labels_match(const std::vector<std::string> &conditions, const std::map<std::string, std::string> &labels);

} // namespace skiff::engine
