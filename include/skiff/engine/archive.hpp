// Images and containers out to archives: save (docker-archive, oci-archive,
// oci-dir) and export.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "skiff/engine/engine.hpp"

namespace skiff::engine {

enum class ArchiveFormat { docker_archive, oci_archive, oci_dir };

// "docker-archive", "oci-archive" or "oci-dir", as podman names them.
Result<ArchiveFormat> parse_archive_format(std::string_view name);

// Writes the named images into one archive as docker save does: NAME:TAG is
// that tag, a NAME without a tag is every tag of that repository, an ID is
// the image without a name. Layers are written byte for byte as they were
// read. Tar formats go to `fd`.
Status save_images(Engine &eng, const std::vector<std::string> &names, ArchiveFormat format, int fd);
// oci-dir: an OCI image layout at `dir`, which must not exist or be an
// empty directory; it appears complete or not at all.
Status save_images_dir(Engine &eng, const std::vector<std::string> &names, const std::string &dir);

// The container's merged file system as a tar, as docker export writes it,
// whether the container runs or not.
Status export_container(Engine &eng, const std::string &id, int fd);

} // namespace skiff::engine
