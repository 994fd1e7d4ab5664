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
  // Returns a not-held lock (held() == false) instead of blocking.
  static Result<FileLock> try_acquire(const std::string &path, Mode mode = Mode::exclusive);
  bool held() const { return bool(fd_); }
  void release() { fd_.reset(); }

private:
  UniqueFd fd_;
};

} // namespace skiff
