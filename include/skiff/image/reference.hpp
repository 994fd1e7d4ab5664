// Image references normalised as Docker does: "busybox" is
// "docker.io/library/busybox:latest".
#pragma once

#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::image {

struct Reference {
  std::string domain;     // "docker.io", "localhost:5000"
  std::string path;       // "library/busybox"
  std::string tag;        // "latest" unless a digest alone was given
  std::string digest;     // "sha256:..." or empty

  std::string repository() const { return domain + "/" + path; }
  // "docker.io/library/busybox:latest" (with "@digest" when set).
  std::string full() const;
  // Docker's familiar form: "busybox:latest", "localhost:5000/app:1".
  std::string familiar() const;
  std::string familiar_repository() const;
};

// The longest repository path (after "library/" is added for Docker
// Hub), as distribution/reference allows it.
inline constexpr size_t kMaxRepositoryPath = 255;

Result<Reference> parse_reference(std::string_view text);

// Whether a name as typed carries its own tag or digest ("app:1",
// "host:5000/app@sha256:..."), not "latest" by default ("host:5000/app").
bool names_version(std::string_view text);

} // namespace skiff::image
