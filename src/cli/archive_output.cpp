#include "archive_output.hpp"

#include <unistd.h>

namespace skiff::cli {

Result<ArchiveOutput> ArchiveOutput::open(const std::string &path) {
  ArchiveOutput out;
  if (path.empty()) {
    if (::isatty(STDOUT_FILENO))
      return make_error(Errc::invalid, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
    return out;
  }
  out.file_.emplace(TRY(fs::AtomicFile::create(path, 0600)));
  return out;
}

int ArchiveOutput::fd() const { return file_ ? file_->fd() : STDOUT_FILENO; }

Status ArchiveOutput::commit() { return file_ ? file_->commit() : Status{}; }

} // namespace skiff::cli
