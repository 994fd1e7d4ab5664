#include "skiff/util/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

namespace skiff {

namespace {
// An fd holding the lock; an empty one when `wait` is false and the lock
// is held elsewhere.
Result<UniqueFd> take(const std::string &path, FileLock::Mode mode, bool wait) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd)
    return sys_error("opening lock {}", path);
  int op = (mode == FileLock::Mode::shared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  while (::flock(fd.get(), op) < 0) {
    if (!wait && errno == EWOULDBLOCK)
      return UniqueFd();
    if (errno != EINTR)
      return sys_error("locking {}", path);
  }
  return fd;
}
} // namespace

Result<FileLock> FileLock::acquire(const std::string &path, Mode mode) {
  FileLock l;
  l.fd_ = TRY(take(path, mode, true));
  return l;
}

Result<std::optional<FileLock>> FileLock::try_acquire(const std::string &path, Mode mode) {
  FileLock l;
  l.fd_ = TRY(take(path, mode, false));
  if (!l.fd_)
    return std::optional<FileLock>();
  return std::optional<FileLock>(std::move(l));
}

} // namespace skiff
