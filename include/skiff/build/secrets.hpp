// `skiff build --secret`: where each secret's content comes from, as
// buildx reads the flag (util/buildflags/secrets.go) and BuildKit's
// secrets provider resolves it (session/secrets/secretsprovider). The
// content is read when a RUN mounts it, never kept in the build's records.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/util/result.hpp"

namespace skiff::build {

struct SecretSource {
  std::string id;
  std::string file;  // src=/source=: a file's content
  std::string env;   // env=: an environment variable's value
};

// Parses one --secret value: id=ID[,src=PATH|,env=VAR][,type=file|env]
// (pure: nothing is looked at).
Result<SecretSource> parse_secret_flag(std::string_view value);
// Settles where the content comes from before the build starts, as
// BuildKit's NewStore: with neither src nor env, the ID names a variable
// when the environment has one (`env_has_id`), else a file; a file must
// exist and be no larger than 500 KiB.
Status resolve_secret(SecretSource &s, bool env_has_id);

// A secret's content: the file read, or the variable's value.
Result<std::string> read_secret(const SecretSource &s);

// The source of `id` among `secrets` (the last one given wins), none when
// the build was given none.
const SecretSource *find_secret(const std::vector<SecretSource> &secrets, const std::string &id);

} // namespace skiff::build
