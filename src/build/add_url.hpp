// ADD's remote sources: http(s) URLs downloaded as BuildKit's http source
// saves them; git ones recognised (and refused by the builder). Private
// to the build module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::build {

// BuildKit's tests: a git source is git@..., git://, ssh://, or an
// http(s) URL whose path ends in .git; any other http(s) URL is a file.
bool is_git_source(std::string_view src);
bool is_http_source(std::string_view src);

// The file's name: the URL path's last component, else "__unnamed__"
// (the Dockerfile frontend names it so; Content-Disposition is not used).
std::string url_file_name(std::string_view url);

// --checksum's value checked: "sha256:<64 hex>"; go-digest's words.
Status check_checksum(std::string_view checksum);

struct Downloaded {
  std::string name;    // in the directory
  std::string digest;  // "sha256:<hex>" of the contents
  int64_t mtime = 0;   // Last-Modified, else 0 (the epoch)
};

// Downloads `url` into `dir_fd` as `name`, mode 0600, its time the
// response's Last-Modified; with `checksum`, a different digest is
// BuildKit's "digest mismatch for URL: GOT (expected: WANT)".
Result<Downloaded> download_url(const std::string &url, const std::string &checksum, int dir_fd);

} // namespace skiff::build
