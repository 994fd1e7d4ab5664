// RUN --mount values as BuildKit's frontend reads them
// (frontend/dockerfile/instructions/commands_runmount.go): a CSV record of
// key=value fields (and the bare flags ro, rw, readonly, readwrite,
// required), validated with BuildKit's words. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "skiff/util/result.hpp"

namespace skiff::dockerfile {

enum class MountType { bind, cache, tmpfs, secret, ssh };
enum class MountSharing { shared, private_, locked };

std::string_view mount_type_name(MountType t);
std::string_view mount_sharing_name(MountSharing s);

struct RunMount {
  MountType type = MountType::bind;
  std::string from;    // a stage or image; empty: the context (bind), nothing (cache)
  std::string source;  // a path in `from` (bind, cache) or the secret's ID
  std::string target;  // as written: relative ones are under the stage's WORKDIR
  bool readonly = false;
  int64_t size = 0;     // tmpfs: bytes, 0 for the default
  std::string id;       // cache, secret
  std::optional<MountSharing> sharing;  // cache only; none: shared
  bool required = false;                // secret, ssh
  std::optional<std::string> env;       // secret: an environment variable instead of (or besides) a file
  std::optional<uint32_t> mode, uid, gid;
};

// Expands one value with the stage's variables (a failure is the error).
using MountExpander = std::function<Result<std::string>(const std::string &)>;

// Parses one --mount value with each value expanded by `expand`, as
// BuildKit does when it dispatches the RUN.
Result<RunMount> parse_run_mount(std::string_view value, const MountExpander &expand);

// The check made before any step runs: `value` parsed with its words as
// written. A value that holds a variable ('$') is only split into fields
// and its keys checked, the rest waiting for the step (its variables are
// known then). A `from=` holding a variable is refused, as BuildKit does.
Status check_run_mount(std::string_view value);

// The secret's ID (source or id, else the target's base name) and, for a
// file, where it is mounted (target, default /run/secrets/<base of ID>);
// none for an env-only secret (env= without target), as BuildKit's
// dispatchSecret decides.
struct SecretPlace {
  std::string id;
  std::optional<std::string> target;
};
Result<SecretPlace> secret_place(const RunMount &m);

// The cache mount's ID: id= or the target as written, path-cleaned.
std::string cache_id(const RunMount &m);

// Where the mount goes: `target` made absolute under `workdir` and
// cleaned; "/" is refused (BuildKit's "invalid mount target").
Result<std::string> mount_target(const std::string &target, const std::string &workdir);

} // namespace skiff::dockerfile
