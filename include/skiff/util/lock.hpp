// Advisory file locks (flock) that serialise changes to shared state
// between parallel skiff processes; released on close, so also on kill -9.
#pragma once

#include <string>

#include "skiff/util/fd.hpp"
#include "skiff/util/result.hpp"

namespace skiff {

class FileLock {
public:
  enum class Mode { shared, exclusive };
  // Blocks until the lock on `path` (created if missing) is held.
  static Result<FileLock> acquire(const std::string &path, Mode mode = Mode::exclusive);
  void release() { fd_.reset(); }

private:
  UniqueFd fd_;
};

} // namespace skiff
