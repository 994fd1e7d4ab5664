// Advisory file locks (flock) that serialise changes to shared state
// between parallel skiff processes; released on close, so also on kill -9.
#pragma once

#include <optional>
#include <string>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff {

class FileLock {
public:
  enum class Mode { shared, exclusive };
  // Blocks until the lock on `path` (created if missing) is held.
  static Result<FileLock> acquire(const std::string &path, Mode mode = Mode::exclusive);
  // The same without waiting: nullopt while another holds it.
  static Result<std::optional<FileLock>> try_acquire(const std::string &path, Mode mode = Mode::exclusive);
  // The locked file's fd: a forked child holding a copy keeps the lock.
  int fd() const { return fd_.get(); }
  void release() { fd_.reset(); }

private:
  UniqueFd fd_;
};

} // namespace skiff
