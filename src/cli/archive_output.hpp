// Internal to the CLI: where save and export write their archive.
#pragma once

#include <optional>
#include <string>

#include "skiff/util/atomic_output.hpp"

namespace skiff::cli {

// A file named with -o, written under a temporary name and renamed into
// place once complete; else standard output, which must not be a terminal.
class ArchiveOutput {
public:
  static Result<ArchiveOutput> open(const std::string &path);
  int fd() const;
  Status commit();

private:
  std::optional<fs::AtomicFile> file_;
};

} // namespace skiff::cli
