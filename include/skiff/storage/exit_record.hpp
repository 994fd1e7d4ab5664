// How a container's run ended, when state.json cannot be rewritten (its
// file system is full): the supervisor records it as the target of a
// symlink, which needs no free space (a short target lives in the inode),
// and reading the state applies it to the run it belongs to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "skiff/storage/container_config.hpp"

namespace skiff::storage {

struct ExitRecord {
  int exit_code = 0;
  int64_t finished_at = 0;  // ns
  int64_t started_at = 0;   // the run it ends: state.json's started_at
};

// "<exit code> <finished ns> <started ns>": at most 43 bytes.
std::string format_exit_record(const ExitRecord &r);
std::optional<ExitRecord> parse_exit_record(std::string_view text);
// Applies `r` to `s` when it ends the run `s` still has as going on (running
// or restarting since the same start); a record of an earlier run is
// stale and changes nothing. True when applied.
bool apply_exit_record(ContainerState &s, const ExitRecord &r);
// Applies the record in container directory `dir`, if there is one.
void apply_recorded_exit(const std::string &dir, ContainerState &s);

} // namespace skiff::storage
