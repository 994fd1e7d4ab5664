#include "skiff/util/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

namespace skiff {

namespace {
Result<UniqueFd> take(const std::string &path, FileLock::Mode mode) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd)
    return sys_error("opening lock {}", path);
  int op = mode == FileLock::Mode::shared ? LOCK_SH : LOCK_EX;
  while (::flock(fd.get(), op) < 0)
    if (errno != EINTR)
      return sys_error("locking {}", path);
  return fd;
}
} // namespace

Result<FileLock> FileLock::acquire(const std::string &path, Mode mode) {
  FileLock l;
  l.fd_ = TRY(take(path, mode));
  return l;
}

} // namespace skiff
